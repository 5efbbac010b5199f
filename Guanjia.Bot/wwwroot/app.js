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
  recategorised: "改类", "merged-in": "并入重复单", "photo-added": "补充照片", "photo-failed": "照片未收到",
  "possible-duplicate": "疑似重复", "place-added": "补充地点", "detail-added": "补充说明",
  rated: "评价", "extension-requested": "申请延期", extended: "同意延期", "extension-refused": "不同意延期",
};
const SATISFACTION = { satisfied: "满意", basic: "基本满意", unsatisfied: "不满意" };
const EXTENSION = s => String(s || "").replace(/^(\d+)wd$/, "$1个工作日").replace(/^(\d+)d$/, "$1天").replace(/^(\d+)h$/, "$1小时");
const STAGE = { before: "处置前", after: "处置后" };

/** Tabs of the dashboard. Add one with { id, title, render(main, arg) }. */
const tabs = [];
let directory = null;

const $ = (sel, root = document) => root.querySelector(sel);
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const SYSTEM = { guanjia: "小巷管家（系统）", system: "小巷管家（系统）", api: "看板（API 密钥）" };
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
        <td data-cell="number"><a href="#/tickets/${t.number}">#${t.number}</a></td>
        <td data-cell="status"><span class="badge ${t.status}">${esc(STATUS[t.status] || t.status)}</span>${t.urgent ? ' <span class="badge urgent">紧急</span>' : ""}</td>
        <td data-cell="category">${esc(nameOf("categories", t.category))}</td>
        <td data-cell="place">${esc(nameOf("communities", t.community))}<br><span class="muted">${esc(t.compound ? nameOf("compounds", t.compound) : "未识别小区")}</span></td>
        <td data-cell="department">${esc(nameOf("departments", t.department))}</td>
        <td data-cell="reporter">${esc(nameOf("people", t.reporter))}</td>
        <td data-cell="text">${esc(t.text.length > 40 ? t.text.slice(0, 40) + "…" : t.text)}</td>
        <td data-cell="due" class="${isOverdue(t) ? "overdue-text" : ""}">${fmt(t.dueAt)}${isOverdue(t) ? "<br>已超时" : ""}</td>
        <td data-cell="photo">${t.photos.length ? `<img class="thumb" alt="照片" data-src="${esc(t.photos[0].thumbUrl)}">` : '<span class="muted">-</span>'}</td>
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
        ${t.extensionRequest ? `<dt>延期申请</dt><dd>延长${esc(EXTENSION(t.extensionRequest))}，待社区书记审批</dd>` : ""}
        <dt>回访评价</dt><dd id="satisfaction">${t.satisfaction ? `${esc(SATISFACTION[t.satisfaction] || t.satisfaction)} <span class="muted">${fmt(t.ratedAt)}</span>` : '<span class="muted">未评价</span>'}</dd>
      </dl>
    </div>
    ${actionsCard(t)}
    ${stages}
    <div class="card"><h3 style="margin-top:0">处理记录</h3><ol class="events" id="events">${t.events.map(e => `
      <li><strong>${esc(EVENT[e.kind] || e.kind)}</strong> <span class="muted">${fmt(e.at)} · ${esc(nameOf("people", e.by))}</span>
        ${e.to ? ` → <span class="badge ${e.to}">${esc(STATUS[e.to] || e.to)}</span>` : ""}
        ${e.note ? `<div>${esc(e.note)}</div>` : ""}</li>`).join("")}</ol></div>`;
  loadImages(main);
}

/** What can be done with the ticket now, as the chat command each party sends (cards offer the same as buttons). */
function ticketActions(t) {
  const n = t.number;
  const dept = "承办部门", office = "社区书记", reporter = "上报人";
  switch (t.status) {
    case "new":
    case "returned":
      return [[office, [`派单 ${n} 部门`, `撤销 ${n}`, `升级 ${n}`]]];
    case "dispatched":
      return [[dept, [`接单 ${n}`, `退回 ${n} 原因`, ...(t.extensionRequest ? [] : [`延期 ${n} 2天 原因`])]],
        ...(t.extensionRequest ? [[office, [`同意延期 ${n}`, `不同意延期 ${n} 原因`]]] : []), [office, [`加急 ${n}`, `升级 ${n}`]]];
    case "accepted":
      return [[dept, [`办结 ${n} 说明`, `退回 ${n} 原因`, ...(t.extensionRequest ? [] : [`延期 ${n} 2天 原因`])]],
        ...(t.extensionRequest ? [[office, [`同意延期 ${n}`, `不同意延期 ${n} 原因`]]] : []), [office, [`升级 ${n}`]]];
    case "resolved":
      return [[reporter, [`确认 ${n}`, `评价 ${n} 满意`, `评价 ${n} 不满意`, `重办 ${n} 原因`]]];
    case "closed":
      return t.satisfaction ? [] : [[reporter, [`评价 ${n} 满意`, `评价 ${n} 基本满意`, `评价 ${n} 不满意`]]];
    default:
      return [];
  }
}

function actionsCard(t) {
  const rows = ticketActions(t);
  return `<div class="card" id="actions"><h3 style="margin-top:0">可办理</h3>${rows.length
    ? `<ul class="actions">${rows.map(([who, commands]) => `<li><span class="who">${who}</span>${commands.map(c => `<code>${esc(c)}</code>`).join("")}</li>`).join("")}</ul>
      <p class="muted small">在群里 @小巷管家 或与小巷管家单聊时发送。</p>`
    : `<p class="muted">工单已结束，无需再办理。</p>`}</div>`;
}

tabs.push({ id: "tickets", title: "工单", render: renderTickets });

// ---- 统计 tab ---------------------------------------------------------------

let figuresCommunity = "";

/** Fetches JSON; errors become Chinese messages (the API's problem titles are English, for programs). */
async function apiJson(path, messages = {}) {
  const res = await fetch(path, { headers: { Authorization: "Bearer " + localStorage.getItem(KEY_STORAGE) } });
  if (res.status === 401) throw new Unauthorized();
  if (!res.ok) throw new Error(messages[res.status] || `服务暂时不可用（HTTP ${res.status}），请稍后刷新重试。`);
  return res.json();
}

function countTable(title, rows, extra) {
  if (!rows.length) return `<h4>${title}</h4><p class="muted">暂无。</p>`;
  return `<h4>${title}</h4><table class="list compact"><thead><tr><th>名称</th><th class="num">受理</th>${extra ? `<th class="num">${extra.title}</th>` : ""}</tr></thead>
    <tbody>${rows.map(r => `<tr><td>${esc(r.name)}</td><td class="num">${r.count}</td>${extra ? `<td class="num">${extra.of(r.id)}</td>` : ""}</tr>`).join("")}</tbody></table>`;
}

function figuresCard(label, f) {
  const resolvedOf = id => f.resolvedByCategory.find(r => r.id === id)?.count ?? 0;
  const tiles = [
    ["received", "受理", f.received], ["resolved", "办结", f.resolved], ["open", "在办", f.open],
    ["overdue", "超时", f.overdue, f.overdue > 0 ? "bad" : ""], ["rate", "按时办结率", f.onTimeRateText],
    ["accept", "签收用时（中位）", f.medianToAcceptText], ["resolve", "办结用时（中位）", f.medianToResolveText], ["returned", "退回", f.returned],
    ["feedback", "回访率", f.feedback?.feedbackRateText ?? "—"], ["satisfaction", "满意率", f.feedback?.satisfactionRateText ?? "—"],
  ];
  const quiet = f.received === 0 && f.resolved === 0;
  return `<div class="card figures" id="figures-${f.period}">
    <h3 style="margin-top:0">${esc(f.scope)} · ${label} <span class="muted small">${fmt(f.from)} 至 ${fmt(f.to)}</span></h3>
    <div class="tiles">${tiles.map(([id, name, value, cls]) => `<div class="tile ${cls || ""}" data-figure="${id}"><div class="value">${esc(value)}</div><div class="name">${name}</div></div>`).join("")}</div>
    ${quiet ? `<p class="empty small">${label}还没有新受理或办结的工单。</p>` : ""}
    <div class="split">
      <div>${countTable("按分类", f.byCategory, { title: "办结", of: resolvedOf })}</div>
      <div>${countTable("按承办单位", f.byDepartment)}</div>
    </div>
    ${f.overdueTickets.length ? `<h4>超时工单</h4><p>${f.overdueTickets.map(t => `<a href="#/tickets/${t.number}">#${t.number}</a> ${esc(nameOf("categories", t.category))} · ${esc(nameOf("departments", t.department))}（时限 ${fmt(t.dueAt)}）`).join("<br>")}</p>` : ""}
  </div>`;
}

async function renderFigures(main) {
  main.innerHTML = `
    <div class="card filters" id="figures-filters">
      <label>范围 <select name="community">${options(directory.communities, figuresCommunity, "全街道")}</select></label>
      <span class="spacer"></span><button class="plain" id="refresh">刷新</button>
    </div>
    <div id="figures" class="split"><div class="empty">正在统计…</div></div>
    <div id="charts" class="charts"></div>`;
  $("#figures-filters").addEventListener("change", e => { figuresCommunity = e.target.value; renderFigures(main); });
  $("#refresh").addEventListener("click", () => renderFigures(main));
  const q = figuresCommunity ? "&community=" + encodeURIComponent(figuresCommunity) : "";
  const messages = { 400: "统计范围不正确，请重新选择社区。" };
  const [today, week] = await Promise.all([
    apiJson("/api/figures?period=today" + q, messages),
    apiJson("/api/figures?period=week" + q, messages),
  ]);
  const box = $("#figures");
  if (!box) return;
  box.innerHTML = figuresCard("今日", today) + figuresCard("本周", week);
  const charts = $("#charts");
  const chart = (id, path, caption) => `<div class="card" id="${id}"><h3 style="margin-top:0">${caption}</h3><img class="chart" alt="${caption}" data-src="${path}"></div>`;
  charts.innerHTML =
    chart("chart-today", "/api/figures/chart.png?period=today" + q, `${esc(today.scope)} · 近7日新增与办结`) +
    chart("chart-week", "/api/figures/chart.png?period=week", "全街道 · 本周各社区、各承办单位对比");
  await loadImages(charts);
  charts.querySelectorAll("img.chart:not([src])").forEach(img => img.replaceWith(Object.assign(document.createElement("p"), { className: "error", textContent: "图表加载失败，请刷新重试。" })));
}

// ---- 积分 tab ---------------------------------------------------------------

const TRANSFER = {
  report: "上报奖励", "voucher-issue": "领券", "voucher-redeem": "核销", "voucher-expire": "券过期退回",
  settlement: "结算", reversal: "冲正",
};
const VOUCHER = { issued: "未使用", redeemed: "已核销", expired: "已过期" };
const kindName = k => TRANSFER[k] || (k.startsWith("task:") ? "任务奖励" : k);

/** The month and community the 记录本 and 考核 parts of the 积分 tab show (this month, the whole street by default). */
const logbookView = { month: "", community: "" };
const thisMonth = () => new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" }).slice(0, 7);

async function renderPoints(main, userId) {
  const people = directory.people;
  const month = logbookView.month || thisMonth();
  main.innerHTML = `
    <div class="card filters" id="points-filters">
      <label>人员 <select name="person">${options(people, userId || "", "请选择人员")}</select></label>
      <label>月份 <select name="month">${recentMonths(month).map(m => `<option ${m === month ? "selected" : ""}>${m}</option>`).join("")}</select></label>
      <label>社区 <select name="community">${options(directory.communities, logbookView.community, "全街道")}</select></label>
    </div>
    <div id="points"></div>
    <div id="logbook"></div>`;
  $("#points-filters").addEventListener("change", e => {
    if (e.target.name === "person") {
      location.hash = e.target.value ? "#/points/" + encodeURIComponent(e.target.value) : "#/points";
      return;
    }
    logbookView[e.target.name] = e.target.value;
    renderPoints(main, userId);
  });
  await renderLogbook(userId, month);
  const box = $("#points");
  if (!userId) {
    box.innerHTML = `<div class="card empty">请选择一位人员，查看其积分余额和明细。</div>`;
    return;
  }
  const p = await apiJson("/api/points/" + encodeURIComponent(userId), { 404: "没有这个人员，请从列表中重新选择。" });
  const amount = n => `<span class="${n > 0 ? "plus" : "minus"}">${n > 0 ? "+" : ""}${n}</span>`;
  box.innerHTML = `
    <div class="card" id="balance">
      <div class="tiles"><div class="tile" data-figure="balance"><div class="value">${p.balance}</div><div class="name">${esc(p.name || nameOf("people", p.userId))} 的积分余额</div></div>
      <div class="tile"><div class="value">${p.movements.filter(m => m.amount > 0).reduce((s, m) => s + m.amount, 0)}</div><div class="name">累计获得</div></div>
      <div class="tile"><div class="value">${p.vouchers.filter(v => v.state === "issued").length}</div><div class="name">未使用的券</div></div></div>
    </div>
    <div class="card" style="padding:0"><h3 class="pad">积分明细</h3>${p.movements.length === 0
      ? `<div class="empty">还没有积分记录。上报的问题被确认、完成任务后会获得积分。</div>`
      : `<table class="list" id="movements"><thead><tr><th>时间</th><th>类型</th><th>事由</th><th class="num">变动</th><th class="num">余额</th><th>工单</th><th>经办</th></tr></thead>
        <tbody>${p.movements.slice().reverse().map(m => `<tr><td>${fmt(m.at)}</td><td>${esc(kindName(m.kind))}</td><td>${esc(m.reason)}${m.note ? `<br><span class="muted">${esc(m.note)}</span>` : ""}</td>
          <td class="num">${amount(m.amount)}</td><td class="num">${m.balance}</td><td>${m.ticket ? `<a href="#/tickets/${m.ticket}">#${m.ticket}</a>` : "-"}</td><td>${esc(nameOf("people", m.by))}</td></tr>`).join("")}</tbody></table>`}</div>
    <div class="card" style="padding:0"><h3 class="pad">兑换券</h3>${p.vouchers.length === 0
      ? `<div class="empty">还没有领过兑换券。</div>`
      : `<table class="list" id="vouchers"><thead><tr><th>券码</th><th class="num">积分</th><th>状态</th><th>领取时间</th><th>有效期至</th><th>核销商户</th></tr></thead>
        <tbody>${p.vouchers.slice().reverse().map(v => `<tr><td><code>${esc(v.code)}</code></td><td class="num">${v.points}</td><td>${esc(VOUCHER[v.state] || v.state)}</td>
          <td>${fmt(v.issuedAt)}</td><td>${fmt(v.expiresAt)}</td><td>${v.merchant ? esc(nameOf("merchants", v.merchant)) + `<br><span class="muted">${fmt(v.redeemedAt)}</span>` : "-"}</td></tr>`).join("")}</tbody></table>`}</div>`;
}

const PATROL_STATE = { approved: "已记", pending: "待审核" };

/** The committee's 考核 table of the month (CSV too), and the chosen steward's patrols on a per-compound month grid. */
async function renderLogbook(userId, month) {
  const box = $("#logbook");
  const query = `month=${encodeURIComponent(month)}` + (logbookView.community ? `&community=${encodeURIComponent(logbookView.community)}` : "");
  const pages = await apiJson("/api/points/logbook?" + query, { 400: "月份格式不正确，请重新选择。", 404: "没有这个社区。" });
  const patrols = userId ? await apiJson(`/api/points/patrols?month=${encodeURIComponent(month)}&userid=${encodeURIComponent(userId)}`) : null;
  const done = p => (p.reports.resolved || 0) + (p.reports.closed || 0);
  const mine = pages.find(p => p.userId === userId);
  let calendar = "";
  if (patrols) {
    const compounds = [...new Set(patrols.patrols.map(p => p.compound))];
    const days = Array.from({ length: patrols.days }, (_, i) => i + 1);
    const cell = (compound, day) => {
      const hit = patrols.patrols.find(p => p.compound === compound && Number(p.day.slice(8)) === day);
      if (!hit) return `<td class="day"></td>`;
      const title = `${hit.day} ${PATROL_STATE[hit.state] || hit.state}${hit.proof === "location" ? `，位置距小区约 ${hit.distanceMetres} 米` : "，照片"}`;
      return `<td class="day ${esc(hit.state)}" title="${esc(title)}">${hit.proof === "location" ? "●" : "◐"}</td>`;
    };
    calendar = `<div class="card" style="padding:0" id="patrol-calendar"><h3 class="pad">${esc(nameOf("people", userId))} ${esc(month)} 巡查日历</h3>${compounds.length === 0
      ? `<div class="empty">本月还没有巡查打卡。在小区里用企业微信应用发送位置即可打卡。</div>`
      : `<table class="list calendar"><thead><tr><th>小区</th>${days.map(d => `<th class="day">${d}</th>`).join("")}</tr></thead>
        <tbody>${compounds.map(c => `<tr><td>${esc(nameOf("compounds", c))}</td>${days.map(d => cell(c, d)).join("")}</tr>`).join("")}</tbody></table>
        <p class="muted pad">● 位置打卡（当场记分）　◐ 照片打卡（书记审核）；浅色为待审核。</p>`}</div>`;
  }
  box.innerHTML = `${mine ? `<div class="card" id="logbook-person"><h3 style="margin-top:0">${esc(mine.name)} ${esc(month)} 记录本</h3><div class="tiles">
      <div class="tile"><div class="value">${mine.reportCount}</div><div class="name">上报（办结 ${done(mine)}）</div></div>
      <div class="tile"><div class="value">${mine.onTheSpot}</div><div class="name">随手办</div></div>
      <div class="tile"><div class="value">${mine.patrols}</div><div class="name">巡查${mine.patrolsPending ? `（待审 ${mine.patrolsPending}）` : ""}</div></div>
      <div class="tile"><div class="value">${mine.tasks}</div><div class="name">任务</div></div>
      <div class="tile"><div class="value">${mine.earned} / ${mine.spent}</div><div class="name">获得 / 使用积分</div></div></div></div>` : ""}
    ${calendar}
    <div class="card" style="padding:0" id="logbook-table"><div class="filters" style="padding:12px 16px"><h3 style="margin:0">${esc(month)} 管家考核（${esc(logbookView.community ? nameOf("communities", logbookView.community) : "全街道")}）</h3>
      <span class="spacer"></span><a class="button plain" id="logbook-csv" download="管家考核-${esc(logbookView.community || "全街道")}-${esc(month)}.csv" href="#" aria-disabled="true">下载 CSV</a></div>
      ${pages.length === 0 ? `<div class="empty">没有小巷管家。</div>` : `<table class="list"><thead><tr><th>管家</th><th>社区</th><th class="num">上报</th><th class="num">办结</th><th class="num">随手办</th><th class="num">巡查</th><th class="num">任务</th><th class="num">获得积分</th><th class="num">使用积分</th></tr></thead>
      <tbody>${pages.map(p => `<tr><td><a href="#/points/${encodeURIComponent(p.userId)}">${esc(p.name)}</a></td><td>${esc(nameOf("communities", p.community))}</td><td class="num">${p.reportCount}</td><td class="num">${done(p)}</td>
        <td class="num">${p.onTheSpot}</td><td class="num">${p.patrols}${p.patrolsPending ? `<span class="muted">+${p.patrolsPending}</span>` : ""}</td><td class="num">${p.tasks}</td><td class="num">${p.earned}</td><td class="num">${p.spent}</td></tr>`).join("")}</tbody></table>`}</div>`;
  const csv = await fetch("/api/points/logbook?" + query, { headers: { Authorization: "Bearer " + localStorage.getItem(KEY_STORAGE), Accept: "text/csv" } });
  const link = $("#logbook-csv");
  if (csv.ok && link) {
    link.href = URL.createObjectURL(new Blob(["\ufeff", await csv.text()], { type: "text/csv;charset=utf-8" }));
    link.removeAttribute("aria-disabled");
  }
}

// ---- 结算 tab ---------------------------------------------------------------

/** The month before this one in street time: the one that can be settled. */
function lastMonth() {
  const [y, m] = new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" }).split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** The last 24 months up to this one, newest first, plus the chosen one if it is older. */
function recentMonths(chosen) {
  const [y, m] = new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" }).split("-").map(Number);
  const months = Array.from({ length: 24 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  });
  return months.includes(chosen) ? months : [...months, chosen];
}

const PAID_ERRORS = {
  400: "月份格式不正确。", 404: "没有这个商户。",
  409: "无法标记：可能本月尚未结束（下月1日起才能结算），或已被他人标记为已付。请刷新后查看。",
};

async function renderStatements(main, month) {
  month = /^\d{4}-\d{2}$/.test(month || "") ? month : lastMonth();
  main.innerHTML = `
    <div class="card filters" id="statement-filters">
      <label>结算月份 <select name="month">${recentMonths(month).map(m => `<option value="${m}" ${m === month ? "selected" : ""}>${m.replace(/^(\d{4})-0?(\d+)$/, "$1年$2月")}</option>`).join("")}</select></label>
      <span class="spacer"></span><a class="button plain" id="csv" download="商户结算-${esc(month)}.csv" href="#" aria-disabled="true">下载 CSV</a>
    </div>
    <p class="error" id="statement-error"></p>
    <div id="statements" class="card" style="padding:0"></div>`;
  $("#statement-filters").addEventListener("change", e => { if (e.target.value) location.hash = "#/statements/" + e.target.value; });
  const list = await apiJson("/api/points/statements?month=" + encodeURIComponent(month), { 400: "月份格式不正确，请重新选择。" });
  const box = $("#statements");
  if (!box) return;
  if (list.length === 0) {
    box.innerHTML = `<div class="empty">没有商户。请在 community.yaml 中配置商户。</div>`;
  } else {
    const total = key => list.reduce((s, x) => s + x[key], 0);
    box.innerHTML = `<table class="list middle" id="statement-table"><thead><tr><th>商户</th><th class="num">核销券数</th><th class="num">积分</th><th class="num">金额（元）</th><th>状态</th><th></th></tr></thead>
      <tbody>${list.map(s => `<tr data-merchant="${esc(s.merchant)}"><td>${esc(s.merchantName)}</td><td class="num">${s.vouchers}</td><td class="num">${s.points}</td><td class="num">${s.cny.toFixed(2)}</td>
        <td>${s.status === "paid" ? `<span class="badge closed">已付</span> <span class="muted">${fmt(s.paidAt)} · ${esc(nameOf("people", s.paidBy))}</span>` : s.points === 0 ? '<span class="muted">本月无核销</span>' : `<span class="badge accepted">待付</span>`}</td>
        <td>${s.status === "paid" ? "" : s.points === 0 ? "" : `<button class="plain pay" data-merchant="${esc(s.merchant)}" data-name="${esc(s.merchantName)}" data-cny="${s.cny.toFixed(2)}">标记已付</button>`}</td></tr>`).join("")}</tbody>
      <tfoot><tr><th>合计</th><th class="num">${total("vouchers")}</th><th class="num">${total("points")}</th><th class="num">${total("cny").toFixed(2)}</th><th colspan="2"></th></tr></tfoot></table>
      ${total("vouchers") === 0 ? `<div class="empty small">${esc(month)} 没有核销记录。</div>` : ""}`;
  }
  box.querySelectorAll("button.pay").forEach(b => b.addEventListener("click", async () => {
    if (!confirm(`确认已向「${b.dataset.name}」支付 ${month} 的结算款 ¥${b.dataset.cny}？\n标记后该月结算单将冻结，不能撤销。`)) return;
    b.disabled = true;
    const res = await fetch(`/api/points/statements/${encodeURIComponent(b.dataset.merchant)}/${month}/paid`,
      { method: "POST", headers: { Authorization: "Bearer " + localStorage.getItem(KEY_STORAGE) } });
    if (res.ok) return renderStatements(main, month);
    b.disabled = false;
    if (res.status === 401) { localStorage.removeItem(KEY_STORAGE); return showLogin("密钥无效，请重新输入。"); }
    $("#statement-error").textContent = PAID_ERRORS[res.status] || `标记失败（HTTP ${res.status}），请稍后重试。`;
  }));
  // The CSV needs the key too: fetch it now and offer it as a blob link.
  const csv = await fetch("/api/points/statements?month=" + encodeURIComponent(month),
    { headers: { Authorization: "Bearer " + localStorage.getItem(KEY_STORAGE), Accept: "text/csv" } });
  const link = $("#csv");
  if (csv.ok && link) {
    // A BOM so that Excel opens the UTF-8 Chinese names correctly.
    link.href = URL.createObjectURL(new Blob(["\ufeff", await csv.text()], { type: "text/csv;charset=utf-8" }));
    link.removeAttribute("aria-disabled");
  }
}

tabs.push({ id: "figures", title: "统计", render: renderFigures });
tabs.push({ id: "points", title: "积分", render: renderPoints });
tabs.push({ id: "statements", title: "结算", render: renderStatements });

$("#logout").addEventListener("click", () => { localStorage.removeItem(KEY_STORAGE); showLogin(); });
window.addEventListener("hashchange", route);
route();
