// 聊天模拟器: speaks as a person from community.yaml; the server encrypts each message with the bot's keys and
// posts it to its own /wecom/bot/callback. Timelines show what the fake WeCom received for each conversation.
"use strict";

const $ = s => document.querySelector(s);
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const state = { setup: null, person: null, conversation: null, after: 0, seen: {} };

/** WeCom markdown as WeCom shows it: **bold**, > quotes, <font color="info|comment|warning">. */
function markdown(text) {
  return esc(text)
    .replace(/\*\*(.+?)\*\*/g, "<b>$1</b>")
    .replace(/&lt;font color=&quot;(info|comment|warning)&quot;&gt;(.*?)&lt;\/font&gt;/g, '<span class="font-$1">$2</span>')
    .replace(/^&gt; ?/gm, "│ ")
    .replace(/&lt;@([A-Za-z0-9_.@-]+)&gt;/g, (_, id) => `<b class="mention">@${esc(nameOf(id))}</b>`);
}

/** A userid as the people list names them (mentions show names, as WeCom does). */
function nameOf(id) {
  const p = state.setup?.people?.find(x => x.userId === id);
  return p ? p.name : id;
}

/** A template card as WeCom shows it: source, title, emphasis (the outcome), text, fields, links and buttons. */
function cardHtml(e) {
  const c = JSON.parse(e.card);
  const fields = (c.horizontal_content_list || []).map(f => `<div class="wc-field"><span>${esc(f.keyname)}</span>${esc(f.value)}</div>`).join("");
  const links = (c.jump_list || []).map(j => `<a href="${esc(j.url)}" target="_blank">${esc(j.title)}</a>`).join(" ");
  const buttons = (c.button_list || []).map(b =>
    `<button type="button" class="card-button style-${esc(b.style || 1)}" data-key="${esc(b.key)}" data-task="${esc(c.task_id)}">${esc(b.text)}</button>`).join("");
  return [
    `<div class="wecard" data-task="${esc(c.task_id || "")}">`,
    c.source?.desc ? `<div class="wc-source">${esc(c.source.desc)}</div>` : "",
    `<div class="wc-title">${esc(c.main_title?.title)}</div>`,
    c.main_title?.desc ? `<div class="wc-desc">${esc(c.main_title.desc)}</div>` : "",
    c.emphasis_content ? `<div class="wc-emphasis">${esc(c.emphasis_content.title)}<small>${esc(c.emphasis_content.desc)}</small></div>` : "",
    c.sub_title_text ? `<div class="wc-text">${esc(c.sub_title_text)}</div>` : "",
    fields,
    links ? `<div class="wc-links">${links}</div>` : "",
    buttons ? `<div class="wc-buttons">${buttons}</div>` : "",
    "</div>",
  ].join("");
}

function entryHtml(e) {
  if (e.onlyFor && e.onlyFor !== state.person?.userId) return "";
  const me = e.kind === "user" && e.sender === state.person?.name;
  const cls = me ? "me" : e.kind === "robot" ? "robot" : "";
  const time = new Date(e.at).toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
  const body = e.card ? cardHtml(e) : e.image ? `<img src="${esc(e.image)}" alt="图片">` : e.markdown ? markdown(e.text) : esc(e.text);
  return `<div class="msg ${cls}" data-kind="${esc(e.kind)}"${e.taskId ? ` data-card="${esc(e.taskId)}"` : ""}><span class="who">${esc(e.sender)} · ${time}</span><div class="bubble">${body}</div></div>`;
}

function convLink(c) {
  return `<a href="#" data-id="${esc(c.id)}" class="${state.conversation?.id === c.id ? "active" : ""}">${esc(c.name)}</a>`;
}

function renderConversations() {
  const s = state.setup;
  $("#singles").innerHTML = convLink({ id: "u:" + state.person.userId, name: "与" + s.botName + "单聊" });
  $("#communities").innerHTML = s.groups.filter(g => g.kind === "community").map(convLink).join("");
  $("#departments").innerHTML = s.groups.filter(g => g.kind === "department").map(convLink).join("");
  document.querySelectorAll(".convs a").forEach(a => a.addEventListener("click", e => {
    e.preventDefault();
    open(a.dataset.id);
  }));
}

function open(id) {
  const group = state.setup.groups.find(g => g.id === id);
  state.conversation = group || { id, kind: "single", name: "与" + state.setup.botName + "单聊（" + state.person.name + "）" };
  state.after = 0;
  $("#timeline").innerHTML = "";
  $("#chat-title").textContent = state.conversation.name;
  renderConversations();
  poll();
}

let polling = false;

async function poll() {
  if (!state.conversation || polling) return;
  polling = true;
  try { await pollOnce(); } finally { polling = false; }
}

async function pollOnce() {
  const id = state.conversation.id;
  const res = await fetch(`/sandbox/api/timeline?conversation=${encodeURIComponent(id)}&after=${state.after}`).catch(() => null);
  if (!res || !res.ok || state.conversation?.id !== id) return;
  const entries = await res.json();
  if (entries.length === 0) return;
  const timeline = $("#timeline");
  for (const e of entries) {
    // An updated card (same task_id) replaces the one shown, as WeCom does.
    const old = e.taskId ? [...timeline.querySelectorAll(".msg[data-card]")].find(m => m.dataset.card === e.taskId) : null;
    if (old) old.outerHTML = entryHtml(e);
    else timeline.insertAdjacentHTML("beforeend", entryHtml(e));
  }
  state.after = entries[entries.length - 1].seq;
  timeline.scrollTop = timeline.scrollHeight;
}

async function send(e) {
  e.preventDefault();
  if (!state.conversation) { $("#status").textContent = "请先选择会话"; return; }
  const form = new FormData();
  form.set("from", state.person.userId);
  form.set("conversation", state.conversation.id);
  form.set("text", $("#text").value);
  const file = $("#photo").files[0];
  if (file) form.set("photo", file);
  $("#send").disabled = true;
  $("#status").textContent = "发送中…";
  try {
    const res = await fetch("/sandbox/api/send", { method: "POST", body: form });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) { $("#status").textContent = body.title || "发送失败"; return; }
    $("#status").textContent = body.accepted ? "已送达" : "回调被拒绝：HTTP " + body.status;
    $("#text").value = "";
    $("#photo").value = "";
    poll();
  } finally {
    $("#send").disabled = false;
  }
}

/** A click on a card button: the server posts the encrypted template_card_event to the service, as WeCom would. */
async function click(button) {
  button.disabled = true;
  $("#status").textContent = "点击已发送…";
  try {
    const res = await fetch("/sandbox/api/click", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: state.person.userId, conversation: state.conversation.id, taskId: button.dataset.task, key: button.dataset.key }),
    });
    const body = await res.json().catch(() => ({}));
    $("#status").textContent = res.ok ? (body.accepted ? "已点击" : "回调被拒绝：HTTP " + body.status) : (body.title || "点击失败");
    poll();
  } finally {
    button.disabled = false;
  }
}

async function start() {
  state.setup = await (await fetch("/sandbox/api/setup")).json();
  const select = $("#person");
  select.innerHTML = state.setup.people.map(p => `<option value="${esc(p.userId)}">${esc(p.name)}（${esc(p.role)}）</option>`).join("");
  select.addEventListener("change", () => {
    state.person = state.setup.people.find(p => p.userId === select.value);
    const community = state.setup.groups.find(g => g.id === "c:" + state.person.community);
    open(state.conversation?.kind === "single" || !state.conversation ? (community?.id || "u:" + state.person.userId) : state.conversation.id);
  });
  state.person = state.setup.people.find(p => p.role === "小巷管家") || state.setup.people[0];
  select.value = state.person.userId;
  open("c:" + state.person.community);
  $("#composer").addEventListener("submit", send);
  $("#timeline").addEventListener("click", e => { if (e.target.matches(".card-button")) click(e.target); });
  $("#text").addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) send(e); });
  setInterval(poll, 1000);
}

start();
