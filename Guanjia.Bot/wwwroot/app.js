// 小巷管家看板: vanilla JS, no build step. Tabs register themselves in `tabs`; routes are #/<tab>[/<arg>].
"use strict";

const KEY_STORAGE = "guanjia.apiKey";
const STATUS = {
  new: "受理", dispatched: "已派单", accepted: "处置中", resolved: "已办结，待确认",
  closed: "已确认", returned: "退回社区", cancelled: "已撤销", merged: "重复，已合并",
};
const OPEN = new Set(["new", "dispatched", "accepted", "returned"]);
const EVENT = {
  created: "创建", dispatched: "派单", redispatched: "重新派单", accepted: "接单", resolved: "办结",
  closed: "确认", returned: "退回", reopened: "重办", escalated: "升级", merged: "合并", cancelled: "撤销",
  recategorized: "改类", urgent: "加急", photo: "补充照片", reminded: "提醒", overdue: "超时",
};
const STAGE = { before: "处置前", after: "处置后" };

/** Tabs of the dashboard. Add one with { id, title, render(main, arg) }. */
const tabs = [];
let directory = null;

const $ = (sel, root = document) => root.querySelector(sel);
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const SYSTEM = { guanjia: "小巷管家（系统）", system: "小巷管家（系统）" };
const nameOf = (list, id) => (list === "people" && SYSTEM[id]) || (directory?.[list] || []).find(x => x.id === id)?.name || id || "-";
const fmt = iso => {
  if (!iso) return "-";
  const d = new Date(iso);
  return d.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
};
const isOverdue = t => OPEN.has(t.status) && new Date(t.dueAt) < new Date();

class Unauthorized extends Error {}

async function api(path) {
  const res = await fetch(path, { headers: { Authorization: "Bearer " + localStorage.getItem(KEY_STORAGE) } });
  if (res.status === 401) throw new Unauthorized();
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).title || ("HTTP " + res.status));
  return res;
}

/** Photos need the bearer key, so they are fetched and shown as blob URLs. */
async function loadImages(root) {
  for (const img of root.querySelectorAll("img[data-src]")) {
    try {
      const blob = await (await api(img.dataset.src)).blob();
      img.src = URL.createObjectURL(blob);
    } catch { img.alt = "照片加载失败"; }
  }
}

function showLogin(message) {
  const main = $("#main");
  main.innerHTML = $("#login").innerHTML;
  $("#logout").hidden = true;
  $("#login-error").textContent = message || "";
  $("#login-form").addEventListener("submit", e => {
    e.preventDefault();
    localStorage.setItem(KEY_STORAGE, $("#key").value.trim());
    route();
  });
}

async function route() {
  if (!localStorage.getItem(KEY_STORAGE)) {
    // In the sandbox on this machine the service hands out its generated key.
    const res = await fetch("/sandbox/api/key").catch(() => null);
    if (res && res.ok) localStorage.setItem(KEY_STORAGE, (await res.json()).apiKey);
  }
  if (!localStorage.getItem(KEY_STORAGE)) return showLogin();
  fetch("/sandbox/api/setup").then(r => { $("#sandbox-link").hidden = !r.ok; }).catch(() => {});
  $("#logout").hidden = false;
  const [, tabId = "tickets", arg] = (location.hash || "#/tickets").split("/");
  const tab = tabs.find(t => t.id === tabId) || tabs[0];
  $("#tabs").innerHTML = tabs.map(t => `<a href="#/${t.id}" class="${t === tab ? "active" : ""}">${esc(t.title)}</a>`).join("");
  const main = $("#main");
  try {
    directory ??= await (await api("/api/community")).json();
    await tab.render(main, arg ? decodeURIComponent(arg) : undefined);
  } catch (e) {
    if (e instanceof Unauthorized) {
      localStorage.removeItem(KEY_STORAGE);
      return showLogin("密钥无效，请重新输入。");
    }
    main.innerHTML = `<div class="card error">加载失败：${esc(e.message)}</div>`;
  }
}

// ---- 工单 tab ---------------------------------------------------------------

const filters = { status: "", community: "", department: "", category: "", overdue: false };

function options(list, selected, all) {
  return `<option value="">${all}</option>` + list.map(x => `<option value="${esc(x.id)}" ${x.id === selected ? "selected" : ""}>${esc(x.name)}</option>`).join("");
}

async function renderTickets(main, number) {
  if (number) return renderTicket(main, number);
  const statusList = Object.entries(STATUS).map(([id, name]) => ({ id, name }));
  main.innerHTML = `
    <div class="card filters" id="filters">
      <label>状态 <select name="status">${options(statusList, filters.status, "全部")}</select></label>
      <label>社区 <select name="community">${options(directory.communities, filters.community, "全部")}</select></label>
      <label>部门 <select name="department">${options(directory.departments, filters.department, "全部")}</select></label>
      <label>分类 <select name="category">${options(directory.categories, filters.category, "全部")}</select></label>
      <label><input type="checkbox" name="overdue" ${filters.overdue ? "checked" : ""}> 只看超时</label>
      <span class="spacer"></span><button class="plain" id="refresh">刷新</button>
    </div>
    <div id="list" class="card" style="padding:0"></div>`;
  $("#filters").addEventListener("change", e => {
    const el = e.target;
    filters[el.name] = el.type === "checkbox" ? el.checked : el.value;
    loadList();
  });
  $("#refresh").addEventListener("click", loadList);
  await loadList();
}

async function loadList() {
  const query = new URLSearchParams({ limit: "1000" });
  for (const k of ["status", "community", "department", "category"]) if (filters[k]) query.set(k, filters[k]);
  let tickets = await (await api("/api/tickets?" + query)).json();
  if (filters.overdue) tickets = tickets.filter(isOverdue);
  const list = $("#list");
  if (!list) return;
  if (tickets.length === 0) {
    list.innerHTML = `<div class="empty">没有符合条件的工单。可以在<a href="/sandbox">聊天模拟器</a>里上报一个问题试试。</div>`;
    return;
  }
  list.innerHTML = `<table class="list" id="tickets">
    <thead><tr><th>单号</th><th>状态</th><th>分类</th><th>社区 / 小区</th><th>承办部门</th><th>上报人</th><th>内容</th><th>时限</th><th>照片</th></tr></thead>
    <tbody>${tickets.map(t => `
      <tr class="row" data-number="${t.number}">
        <td><a href="#/tickets/${t.number}">#${t.number}</a></td>
        <td><span class="badge ${t.status}">${esc(STATUS[t.status] || t.status)}</span>${t.urgent ? ' <span class="badge urgent">紧急</span>' : ""}</td>
        <td>${esc(nameOf("categories", t.category))}</td>
        <td>${esc(nameOf("communities", t.community))}<br><span class="muted">${esc(t.compound ? nameOf("compounds", t.compound) : "未识别小区")}</span></td>
        <td>${esc(nameOf("departments", t.department))}</td>
        <td>${esc(nameOf("people", t.reporter))}</td>
        <td>${esc(t.text.length > 40 ? t.text.slice(0, 40) + "…" : t.text)}</td>
        <td class="${isOverdue(t) ? "overdue-text" : ""}">${fmt(t.dueAt)}${isOverdue(t) ? "<br>已超时" : ""}</td>
        <td>${t.photos.length ? `<img class="thumb" alt="照片" data-src="${esc(t.photos[0].thumbUrl)}">` : '<span class="muted">-</span>'}</td>
      </tr>`).join("")}</tbody></table>`;
  list.querySelectorAll("tr.row").forEach(tr => tr.addEventListener("click", e => {
    if (e.target.tagName !== "A") location.hash = "#/tickets/" + tr.dataset.number;
  }));
  loadImages(list);
}

async function renderTicket(main, number) {
  const res = await fetch("/api/tickets/" + encodeURIComponent(number), { headers: { Authorization: "Bearer " + localStorage.getItem(KEY_STORAGE) } });
  if (res.status === 404) { main.innerHTML = `<div class="card">没有工单 #${esc(number)}。<a href="#/tickets">返回列表</a></div>`; return; }
  if (res.status === 401) throw new Unauthorized();
  const t = await res.json();
  const stages = ["before", "after"].map(stage => {
    const photos = t.photos.filter(p => (p.stage || "before") === stage);
    return `<div class="card"><h3 style="margin-top:0">${STAGE[stage]}照片</h3>${photos.length
      ? `<div class="photos">${photos.map(p => `<figure><img alt="${STAGE[stage]}照片" data-src="${esc(p.url)}"><figcaption>${p.width}×${p.height}</figcaption></figure>`).join("")}</div>`
      : `<p class="muted">${stage === "after" ? "办结时还没有照片。" : "上报时没有照片。"}</p>`}</div>`;
  }).join("");
  main.innerHTML = `
    <p><a href="#/tickets">← 返回工单列表</a></p>
    <div class="card" id="ticket">
      <h2 style="margin-top:0">工单 #${t.number} <span class="badge ${t.status}">${esc(STATUS[t.status] || t.status)}</span>
        ${t.urgent ? '<span class="badge urgent">紧急</span>' : ""}${isOverdue(t) ? ' <span class="badge overdue">已超时</span>' : ""}</h2>
      <p style="font-size:16px">${esc(t.text)}</p>
      <dl class="facts">
        <dt>分类</dt><dd>${esc(nameOf("categories", t.category))}${t.lowConfidence ? ' <span class="muted">（自动分类把握不大，请书记核实）</span>' : ""}</dd>
        <dt>社区</dt><dd>${esc(nameOf("communities", t.community))}</dd>
        <dt>小区</dt><dd>${esc(t.compound ? nameOf("compounds", t.compound) : "未识别")}</dd>
        <dt>承办部门</dt><dd>${esc(nameOf("departments", t.department))}</dd>
        <dt>上报人</dt><dd>${esc(nameOf("people", t.reporter))}</dd>
        <dt>上报时间</dt><dd>${fmt(t.createdAt)}</dd>
        <dt>办结时限</dt><dd class="${isOverdue(t) ? "overdue-text" : ""}">${fmt(t.dueAt)}</dd>
        ${t.possibleDuplicateOf ? `<dt>疑似重复</dt><dd><a href="#/tickets/${t.possibleDuplicateOf}">#${t.possibleDuplicateOf}</a></dd>` : ""}
        ${t.mergedInto ? `<dt>已合并到</dt><dd><a href="#/tickets/${t.mergedInto}">#${t.mergedInto}</a></dd>` : ""}
      </dl>
    </div>
    ${stages}
    <div class="card"><h3 style="margin-top:0">处理记录</h3><ol class="events" id="events">${t.events.map(e => `
      <li><strong>${esc(EVENT[e.kind] || e.kind)}</strong> <span class="muted">${fmt(e.at)} · ${esc(nameOf("people", e.by))}</span>
        ${e.to ? ` → <span class="badge ${e.to}">${esc(STATUS[e.to] || e.to)}</span>` : ""}
        ${e.note ? `<div>${esc(e.note)}</div>` : ""}</li>`).join("")}</ol></div>`;
  loadImages(main);
}

tabs.push({ id: "tickets", title: "工单", render: renderTickets });

$("#logout").addEventListener("click", () => { localStorage.removeItem(KEY_STORAGE); showLogin(); });
window.addEventListener("hashchange", route);
route();
