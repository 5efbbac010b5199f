// 死信 tab: messages that failed processing Intake:MaxAttempts times (GET /api/inbox?state=dead), each
// with a button that puts it back (POST /api/inbox/{id}/retry). Loaded after app.js; uses its helpers.
"use strict";

async function renderDeadLetters(main) {
  const rows = await apiJson("/api/inbox?state=dead");
  main.innerHTML = `
    <div class="card">
      <h2 style="margin-top:0">死信（${rows.length}）</h2>
      <p class="muted">这些消息多次自动处理失败，尚未受理。可先查看内容，再点“重新处理”；仍失败请联系技术人员，或请发送人重新发送。</p>
      ${rows.length === 0 ? `<p>没有待处理的死信。</p>` : `
      <table>
        <thead><tr><th>编号</th><th>发送人</th><th>收到</th><th>内容</th><th>失败</th><th></th></tr></thead>
        <tbody>${rows.map(r => `
          <tr>
            <td>${esc(r.id)}</td>
            <td>${esc(r.senderName || r.sender)}</td>
            <td>${esc(fmt(r.receivedAt))}</td>
            <td>${esc(r.text || "")}${r.images ? ` <span class="muted">（${esc(r.images)} 张照片）</span>` : ""}</td>
            <td>${esc(r.attempts)} 次 <span class="muted">${esc(r.lastError || "")}</span></td>
            <td><button data-retry="${esc(r.id)}">重新处理</button></td>
          </tr>`).join("")}
        </tbody>
      </table>`}
      <p class="error" id="dead-error"></p>
    </div>`;
  for (const button of main.querySelectorAll("button[data-retry]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      const res = await fetch(`/api/inbox/${button.dataset.retry}/retry`, {
        method: "POST", headers: { Authorization: "Bearer " + localStorage.getItem(KEY_STORAGE) },
      }).catch(() => null);
      if (res && res.ok) return renderDeadLetters(main);
      button.disabled = false;
      $("#dead-error").textContent = res?.status === 409
        ? "这条消息已不在死信中，请刷新页面。"
        : "重新处理没有成功，请稍后再试。";
    });
  }
}

tabs.push({ id: "inbox", title: "死信", render: renderDeadLetters });
// app.js drew the tab bar before this file was read: draw it again with this tab.
route();
