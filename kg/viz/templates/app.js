/* The page's behaviour: tooltips, filters (type, edition, dates), search, info panel, all in
   the page language (META.t: its words, META.months: its month names).
   Globals from the page: vis, META, rawNodes, rawEdges, options. Exposes window.mkgViz. */
(function () {
  "use strict";
  var DAY = 86400000;
  var T = META.t;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function dayString(d) { return new Date(d * DAY).toISOString().slice(0, 10); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }
  function formatDay(iso) {  // "2023-10-30" -> "30 Oct 2023" / "30 أكتوبر 2023" / "30 oct 2023", as kg site writes days
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) { return iso || ""; }
    return Number(m[3]) + " " + META.months[Number(m[2]) - 1] + " " + m[1];
  }
  function articles(n) { return n === 1 ? T.articles_one : fill(T.articles_many, { n: n }); }
  function dayNumber(s) { var t = Date.parse(s + "T00:00:00Z"); return isNaN(t) ? null : Math.floor(t / DAY); }
  function norm(s) {
    return String(s || "").normalize("NFKD").toLowerCase()
      .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, "")
      .replace(/\u0629/g, "\u0647").replace(/\u0649/g, "\u064a").replace(/\s+/g, " ").trim();
  }
  function labelLine(lang, text) {
    var line = el("div", {});
    line.appendChild(el("span", { "class": "count" }, (T["lang_" + lang] || lang) + ": "));
    var span = el("span", { lang: lang, dir: lang === "ar" ? "rtl" : "ltr" }, text || "—");
    line.appendChild(span);
    return line;
  }
  function details(n, withLinks) {
    var box = el("div", { "class": "tip" });
    var title = el("b", { dir: "auto" }, n.label);
    box.appendChild(title);
    box.appendChild(el("div", { "class": "count" },
      (META.types[n.etype] || { name: n.etype }).name + " · " + articles(n.n)
      + (n.pr ? " · " + T.pagerank + " " + n.pr.toFixed(4) : "")));
    META.langs.forEach(function (lang) { box.appendChild(labelLine(lang, n.labels[lang])); });
    if (n.arts && n.arts.length) {
      var ul = el("ul", {});
      n.arts.forEach(function (a) {
        var li = el("li", {});
        var link = el(withLinks ? "a" : "span", withLinks ? { href: a[1], target: "_blank", rel: "noopener", dir: "auto" } : { dir: "auto" }, a[0]);
        li.appendChild(link);
        var when = a[4] ? formatDay(a[2]) + " · " + T.uncertain : formatDay(a[2]);
        li.appendChild(el("span", { "class": "count" }, " " + when + " · " + (META.editions[a[3]] || {}).name));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    return box;
  }

  var nodes = new vis.DataSet(rawNodes.map(function (n) {
    return Object.assign({}, n, { title: details(n, false) });
  }));
  var edges = new vis.DataSet(rawEdges);
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  var status = document.getElementById("status");
  var info = document.getElementById("info");

  function stable() {
    network.setOptions({ physics: false });
    status.style.display = "none";
    document.body.setAttribute("data-stable", "1");
  }
  network.on("stabilizationProgress", function (p) {
    status.textContent = T.laying_out + " " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", stable);
  if (!rawNodes.length) { stable(); status.style.display = "block"; status.textContent = T.nothing_to_show; }

  // -- filters -----------------------------------------------------------------------------
  var typeOn = {}, editionOn = {};
  function checkbox(parent, key, text, color, count, state, onChange) {
    var label = el("label", {});
    var box = el("input", { type: "checkbox", "data-key": key });
    box.checked = true;
    box.addEventListener("change", function () { state[key] = box.checked; onChange(); });
    label.appendChild(box);
    if (color) { var sw = el("span", { "class": "swatch" }); sw.style.background = color; label.appendChild(sw); }
    label.appendChild(el("span", { dir: "auto" }, text));
    label.appendChild(el("span", { "class": "count" }, " " + count));
    parent.appendChild(label);
    state[key] = true;
  }
  Object.keys(META.types).forEach(function (t) {
    var spec = META.types[t];
    if (spec.count) { checkbox(document.getElementById("type-filters"), t, spec.name, spec.color, spec.count, typeOn, applyFilters); }
  });
  META.editions.forEach(function (ed, i) {
    checkbox(document.getElementById("edition-filters"), String(i), ed.name, null, ed.articles, editionOn, applyFilters);
  });
  var from = document.getElementById("date-from"), to = document.getElementById("date-to");
  if (META.first !== null) {
    [from, to].forEach(function (input) { input.min = dayString(META.first); input.max = dayString(META.last); });
    from.value = dayString(META.first); to.value = dayString(META.last);
  }
  from.addEventListener("change", applyFilters);
  to.addEventListener("change", applyFilters);
  // articles whose date is a guess: never on the date axis, shown unless the user says not
  var uncertainOn = document.getElementById("uncertain-on");
  if (META.uncertain) {
    document.getElementById("uncertain").hidden = false;
    document.getElementById("uncertain-count").textContent = META.uncertain === 1
      ? T.uncertain_one : fill(T.uncertain_many, { n: META.uncertain });
  }
  uncertainOn.addEventListener("change", applyFilters);

  function isVisible(n, lo, hi) {
    if (!typeOn[n.etype]) { return false; }
    if (uncertainOn.checked && (n.ued || []).some(function (ed) { return editionOn[String(ed)]; })) { return true; }
    return Object.keys(n.eds).some(function (ed) {
      return editionOn[ed] && n.eds[ed].some(function (d) { return d >= lo && d <= hi; });
    });
  }
  function applyFilters() {
    var lo = dayNumber(from.value), hi = dayNumber(to.value);
    if (lo === null) { lo = -Infinity; }
    if (hi === null) { hi = Infinity; }
    var shown = {}, changes = [], count = 0;
    rawNodes.forEach(function (n) {
      var vis_ = isVisible(n, lo, hi);
      shown[n.id] = vis_;
      if (vis_) { count += 1; }
      changes.push({ id: n.id, hidden: !vis_ });
    });
    nodes.update(changes);
    edges.update(rawEdges.map(function (e) { return { id: e.id, hidden: !(shown[e.from] && shown[e.to]) }; }));
    document.getElementById("summary").textContent = fill(T.shown, { n: count, total: rawNodes.length });
    document.getElementById("date-range").textContent = from.value || to.value
      ? formatDay(from.value) + " – " + formatDay(to.value) : "";
    return count;
  }
  document.getElementById("reset").addEventListener("click", function () {
    document.querySelectorAll("#panel input[type=checkbox]").forEach(function (b) { b.checked = true; });
    Object.keys(typeOn).forEach(function (k) { typeOn[k] = true; });
    Object.keys(editionOn).forEach(function (k) { editionOn[k] = true; });
    if (META.first !== null) { from.value = dayString(META.first); to.value = dayString(META.last); }
    uncertainOn.checked = true;
    applyFilters();
  });

  // -- search ------------------------------------------------------------------------------
  var list = document.getElementById("labels");
  var seen = {};
  rawNodes.forEach(function (n) {
    [n.label].concat(META.langs.map(function (l) { return n.labels[l]; })).forEach(function (text) {
      if (text && !seen[text]) { seen[text] = 1; list.appendChild(el("option", { value: text })); }
    });
  });
  function visibleNodeIds() {
    return nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) { return n.id; });
  }
  function search(query) {
    var q = norm(query), best = null, bestScore = 0;
    if (!q) { return null; }
    rawNodes.forEach(function (n) {
      var texts = [n.label].concat(META.langs.map(function (l) { return n.labels[l]; })).concat(n.alt || []);
      texts.forEach(function (t) {
        var s = norm(t), score = 0;
        if (!s) { return; }
        if (s === q) { score = 3; } else if (s.indexOf(q) === 0) { score = 2; } else if (s.indexOf(q) > 0) { score = 1; }
        if (score && !nodes.get(n.id).hidden) { score += 0.5; }
        if (score > bestScore || (score === bestScore && best && score && n.value > best.value)) { best = n; bestScore = score; }
      });
    });
    var result = document.getElementById("search-result");
    if (!best) { result.textContent = T.no_match; network.unselectAll(); return null; }
    result.textContent = "";
    network.selectNodes([best.id]);
    network.focus(best.id, { scale: 1.4, animation: false });
    showInfo(best.id);
    return best.id;
  }
  var input = document.getElementById("search");
  input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { search(input.value); } });
  input.addEventListener("change", function () { search(input.value); });

  // -- info panel --------------------------------------------------------------------------
  function showInfo(id) {
    var n = rawNodes.find(function (x) { return x.id === id; });
    if (!n) { return; }
    info.textContent = "";
    info.appendChild(details(Object.assign({}, n, { pr: n.pr }), true));
    info.style.display = "block";
  }
  network.on("click", function (params) {
    if (params.nodes.length) { showInfo(params.nodes[0]); } else { info.style.display = "none"; }
  });

  applyFilters();
  window.mkgViz = {
    network: network, nodes: nodes, edges: edges, search: search, applyFilters: applyFilters,
    visibleNodeIds: visibleNodeIds, formatDay: formatDay,
    setType: function (t, on) { var b = document.querySelector('#type-filters input[data-key="' + t + '"]'); if (b) { b.checked = on; } typeOn[t] = on; return applyFilters(); },
    setEdition: function (i, on) { var b = document.querySelector('#edition-filters input[data-key="' + i + '"]'); if (b) { b.checked = on; } editionOn[String(i)] = on; return applyFilters(); }
  };
}());
