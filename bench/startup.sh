#!/usr/bin/env bash
# Start-up after a crash (issue 12): how long a restarted Guanjia.Bot takes to answer /healthz and to
# accept a signed bot callback, on an existing SQLite database, against a bare Kestrel app started
# the same way (bench/Guanjia.Bench.Ingest's "bare" mode). Each Guanjia run ends with SIGKILL, so the
# next start is a restart after a crash.
#   bench/startup.sh [runs=5]        (SKIP_BUILD=1 to reuse the Release builds; BOT_DLL=<path> to start
#                                      another build of Guanjia.Bot, e.g. a ReadyToRun publish)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ "${SKIP_BUILD:-}" != 1 ]; then
  dotnet build -c Release Guanjia.Bot -nologo -v q >/dev/null
  dotnet build -c Release bench/Guanjia.Bench.Ingest -nologo -v q >/dev/null
fi
exec python3 - "$runs" <<'PY'
import base64, hashlib, json, os, random, shutil, signal, statistics, string, struct, subprocess, sys, tempfile, time, urllib.request, uuid

runs = int(sys.argv[1])
root = os.getcwd()
bot_dll = os.environ.get("BOT_DLL") or f"{root}/Guanjia.Bot/bin/Release/net10.0/Guanjia.Bot.dll"
bare_dll = f"{root}/bench/Guanjia.Bench.Ingest/bin/Release/net10.0/Guanjia.Bench.Ingest.dll"
work = tempfile.mkdtemp(prefix="guanjia-startup-")
token = "StartupBenchToken"
aes_key = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(43))
key = base64.b64decode(aes_key + "=")

def encrypt(plain: str) -> str:
    # WeCom: random(16) | len(4, big-endian) | message | receiveid (empty for the bot), PKCS#7 to 32 bytes, AES-256-CBC, IV = key[:16].
    body = os.urandom(16) + struct.pack(">I", len(plain.encode())) + plain.encode()
    pad = 32 - len(body) % 32
    body += bytes([pad]) * pad
    out = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-nopad", "-K", key.hex(), "-iv", key[:16].hex()],
                         input=body, capture_output=True, check=True).stdout
    return base64.b64encode(out).decode()

def signed_callback(port: int) -> urllib.request.Request:
    msg = json.dumps({"msgid": uuid.uuid4().hex, "aibotid": "aibot-bench", "chatid": "wrkSFfCgAAwuhuashan", "chattype": "group",
                      "from": {"userid": "lihua"}, "response_url": "http://127.0.0.1:9/cgi-bin/aibot/response?response_code=x",
                      "msgtype": "text", "text": {"content": "@小巷管家 74号院门口垃圾桶满了"}}, ensure_ascii=False)
    enc = encrypt(msg)
    ts, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    sig = hashlib.sha1("".join(sorted([token, ts, nonce, enc])).encode()).hexdigest()
    return urllib.request.Request(f"http://127.0.0.1:{port}/wecom/bot/callback?msg_signature={sig}&timestamp={ts}&nonce={nonce}",
                                  data=json.dumps({"encrypt": enc}).encode(), headers={"Content-Type": "application/json"}, method="POST")

def until_200(make, started, deadline=60):
    while time.monotonic() - started < deadline:
        try:
            with urllib.request.urlopen(make(), timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - started
        except Exception:
            pass
        time.sleep(0.01)
    raise SystemExit("no 200 within 60 s")

def free_port():
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def bot_env(port):
    env = dict(os.environ)
    env.update({"ASPNETCORE_URLS": f"http://127.0.0.1:{port}", "ASPNETCORE_ENVIRONMENT": "Production",
                "ConnectionStrings__Guanjia": f"Data Source={work}/guanjia.db", "Media__Root": f"{work}/media",
                "Api__Keys__0": "bench-key", "WeCom__ApiBaseUrl": "http://127.0.0.1:9", "WeCom__CorpId": "wwbench",
                "WeCom__Secret": "bench-secret", "WeCom__AgentId": "1000002", "WeCom__Token": "BenchAppToken",
                "WeCom__EncodingAesKey": "".join(random.choice(string.ascii_letters) for _ in range(43)),
                "WeCom__Bot__Token": token, "WeCom__Bot__EncodingAesKey": aes_key, "Logging__LogLevel__Default": "Warning"})
    return env

def run_bot():
    port = free_port()
    started = time.monotonic()
    p = subprocess.Popen(["dotnet", bot_dll], cwd=root, env=bot_env(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        health = until_200(lambda: f"http://127.0.0.1:{port}/healthz", started)
        callback = until_200(lambda: signed_callback(port), started)
        return health, callback
    finally:
        p.send_signal(signal.SIGKILL); p.wait()

def run_bare():
    port = free_port()
    started = time.monotonic()
    p = subprocess.Popen(["dotnet", bare_dll, "bare", "--urls", f"http://127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return until_200(lambda: f"http://127.0.0.1:{port}/healthz", started)
    finally:
        p.send_signal(signal.SIGKILL); p.wait()

try:
    print("first start (creates and migrates the database):", "%.2f s to /healthz, %.2f s to a callback" % run_bot())
    bare, health, callback = [], [], []
    for i in range(runs):
        bare.append(run_bare())
        h, c = run_bot()
        health.append(h); callback.append(c)
        print(f"run {i + 1}: bare /healthz {bare[-1]:.2f} s | Guanjia /healthz {h:.2f} s, signed callback {c:.2f} s (after SIGKILL)")
    mb, mh, mc = statistics.median(bare), statistics.median(health), statistics.median(callback)
    print(f"median of {runs}: bare {mb:.2f} s | Guanjia /healthz {mh:.2f} s ({mh / mb:.2f}x bare), callback {mc:.2f} s ({mc / mb:.2f}x bare); worst callback {max(callback):.2f} s")
finally:
    shutil.rmtree(work, ignore_errors=True)
PY
