// The report's tables: rows come from the JSON blob above and are built with
// createElement/textContent only, so a scraped string is always text, never markup.
// Sorting and filtering work on the whole list; only PAGE rows are drawn at a time.
(function () {
  "use strict";
  var PAGE = 100;
  var DASH = "\u2014";
  var blob = JSON.parse(document.getElementById("report-data").textContent);
  var sites = blob.sites.map(function (row) {
    var site = {};
    blob.fields.forEach(function (name, i) { site[name] = row[i]; });
    var others = site.others.map(function (o) { return o[0] + " " + o[1]; }).join(" ");
    site.haystack = [site.domain, site.shown, site.name, site.kind, site.platform, site.provider,
      site.channel, site.contact, others, site.why, site.linked_from.join(" "), site.deals]
      .join(" ").toLowerCase();
    return site;
  });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function isWebUrl(url) {
    // The server only sends http(s) URLs; checked again here because it costs nothing.
    return typeof url === "string" && /^https?:\/\/[^\s]/i.test(url);
  }

  function missing(value) {
    return value === null || value === undefined || value === "";
  }

  function copyText(text, button) {
    function done(ok) {
      button.textContent = ok ? "Copied" : "Select and copy";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    }
    function fallback() {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  var render = {
    rank: function (td, site, rank) { td.textContent = rank; },
    site: function (td, site) {
      var label = site.shown || site.domain;  // an international domain: punycode (Unicode)
      var name = isWebUrl(site.href) ? el("a", "site", label) : el("span", "site", label);
      if (isWebUrl(site.href)) {
        name.href = site.href;
        name.rel = "noopener noreferrer";
        name.target = "_blank";
      }
      td.appendChild(name);
      if (site.new) { td.appendChild(el("span", "badge", "new")); }
      if (site.contacted) { td.appendChild(el("span", "badge contacted", "contacted " + site.contacted)); }
      if (site.status) { td.appendChild(el("span", "badge status", site.status)); }
      if (site.name) { td.appendChild(el("div", "title", site.name)); }
    },
    kindplat: function (td, site) {
      td.textContent = site.kind + (site.platform ? " \u00b7 " + site.platform : "");
    },
    provider: function (td, site) {
      td.textContent = site.provider || site.platform || DASH;
      if (missing(site.provider) && !site.platform) { td.className = "none"; }
    },
    score: function (td, site) {
      td.appendChild(el("span", "num", Number(site.score).toFixed(1)));
      var bar = el("span", "bar");
      var parts = [];
      blob.factors.forEach(function (name, i) {
        var points = site.points[i] || 0;
        parts.push(name + " " + points);
        if (points > 0) {
          var seg = el("span", "seg f" + (i % 8));
          seg.style.width = Math.min(points, 100) + "%";
          bar.appendChild(seg);
        }
      });
      bar.title = parts.join(", ");
      td.appendChild(bar);
    },
    contact: function (td, site) {
      if (!site.contact) { td.appendChild(el("span", "none", "none found")); return; }
      var label = site.channel + (site.contact_role ? " (" + site.contact_role + ")" : "");
      td.appendChild(el("span", "channel", label));
      var value = el("span", "contact", site.contact);
      td.appendChild(value);
      if (site.channel === "email") {
        // what `prospector verify` said of the address (unchecked until it runs)
        var mail = site.deliverability || "unchecked";
        td.appendChild(el("span", "badge mail " + mail, mail.replace("_", " ")));
      }
      var button = el("button", "copy", "Copy");
      button.type = "button";
      button.title = "Copy " + site.contact;
      button.addEventListener("click", function () { copyText(site.contact, button); });
      td.appendChild(button);
      if (site.inferred) {
        td.appendChild(el("div", "inferred", "inferred (not found on the site): " + site.inferred));
      }
    },
    others: function (td, site) {
      if (!site.others.length) { td.appendChild(el("span", "none", DASH)); return; }
      var list = el("ul", "channels");
      site.others.forEach(function (o) {
        var item = el("li", null, o[0] + ": " + o[1]);
        if (o[2]) { item.appendChild(el("span", "badge mail " + o[2], o[2].replace("_", " "))); }
        list.appendChild(item);
      });
      td.appendChild(list);
    },
    why: function (td, site) {
      if (site.why) { td.appendChild(el("div", null, site.why)); }
      if (site.linked_from.length) {
        td.appendChild(el("div", "linked", "linked from " + site.linked_from.join(", ")));
      }
      if (!site.why && !site.linked_from.length) { td.appendChild(el("span", "none", DASH)); }
    },
    num: function (td, site, rank, key) {
      var v = site[key];
      if (missing(v)) { td.appendChild(el("span", "none", DASH)); return; }
      td.textContent = typeof v === "number" ? v.toLocaleString("en") : String(v);
    },
    text: function (td, site, rank, key) {
      var v = site[key];
      if (missing(v)) { td.appendChild(el("span", "none", DASH)); return; }
      td.textContent = String(v);
    },
    bool: function (td, site, rank, key) {
      var v = site[key];
      if (missing(v)) { td.appendChild(el("span", "none", DASH)); return; }
      var yes = v === true || /^(1|true|yes|open)$/i.test(String(v));
      td.textContent = yes ? "yes" : "no";
    }
  };

  function sortValue(entry, key, type) {
    if (key === "rank") { return entry.rank; }
    var v = entry.site[key];
    if (key === "others") { v = entry.site.others.length; }
    if (missing(v)) { return null; }
    if (type === "num") { var n = Number(v); return isNaN(n) ? null : n; }
    return String(v).toLowerCase();
  }

  function Table(table) {
    var list = table.getAttribute("data-list");
    this.table = table;
    this.body = table.tBodies[0];
    this.columns = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return { th: th, key: th.getAttribute("data-key"), type: th.getAttribute("data-type"),
        render: th.getAttribute("data-render"), label: th.textContent,
        desc: th.hasAttribute("data-desc"), sortable: !th.hasAttribute("data-nosort") };
    });
    // Each row is [site index, this list's score, this list's factor points]: a row
    // shows its own list's ranking whatever the column sorted by.
    this.all = (blob.lists[list] || []).map(function (row, n) {
      var shown = Object.create(sites[row[0]]);
      shown.score = row[1];
      shown.points = row[2];
      return { site: shown, rank: n + 1 };
    });
    this.shown = this.all;
    this.limit = PAGE;
    this.filter = document.querySelector("input.filter[data-for='" + list + "']");
    this.status = document.querySelector(".status[data-for='" + list + "']");
    this.more = document.querySelector("button.more[data-for='" + list + "']");
    var self = this;
    this.columns.forEach(function (col) {
      if (!col.sortable) { return; }
      col.th.tabIndex = 0;
      col.th.classList.add("sortable");
      col.th.title = "Sort by " + col.label;
      col.th.addEventListener("click", function () { self.sortBy(col); });
      col.th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); self.sortBy(col); }
      });
    });
    if (this.filter) {
      this.filter.addEventListener("input", function () { self.applyFilter(); });
    }
    if (this.more) {
      this.more.addEventListener("click", function () { self.limit += PAGE; self.draw(); });
    }
    this.draw();
  }

  Table.prototype.sortBy = function (col) {
    var current = col.th.getAttribute("aria-sort");
    // First click: the natural direction (numbers best first); then toggle.
    var descending = current ? current === "ascending" : col.desc;
    this.columns.forEach(function (c) { c.th.removeAttribute("aria-sort"); });
    col.th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var dir = descending ? -1 : 1;
    var cmp = function (a, b) {
      var x = sortValue(a, col.key, col.type);
      var y = sortValue(b, col.key, col.type);
      if (x === null && y === null) { return a.rank - b.rank; }
      if (x === null) { return 1; }  // missing values last, whichever the direction
      if (y === null) { return -1; }
      if (x < y) { return -dir; }
      if (x > y) { return dir; }
      return a.rank - b.rank;
    };
    this.all = this.all.slice().sort(cmp);
    this.applyFilter();
  };

  Table.prototype.applyFilter = function () {
    var words = (this.filter ? this.filter.value : "").toLowerCase().split(/\s+/).filter(Boolean);
    this.shown = words.length ? this.all.filter(function (entry) {
      return words.every(function (w) { return entry.site.haystack.indexOf(w) !== -1; });
    }) : this.all;
    this.limit = PAGE;
    this.draw();
  };

  Table.prototype.draw = function () {
    var columns = this.columns;
    var fragment = document.createDocumentFragment();
    this.shown.slice(0, this.limit).forEach(function (entry) {
      var tr = el("tr");
      tr.setAttribute("data-domain", entry.site.domain);
      columns.forEach(function (col) {
        var td = el("td");
        td.setAttribute("data-label", col.label);
        td.className = "c-" + col.render;
        render[col.render](td, entry.site, entry.rank, col.key);
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    });
    this.body.replaceChildren(fragment);
    var total = this.all.length;
    var n = Math.min(this.limit, this.shown.length);
    var text = this.shown.length === total ? total + " rows" : this.shown.length + " of " + total + " rows match";
    if (n < this.shown.length) { text += ", first " + n + " shown"; }
    if (!total) { text = "none in this run"; }
    if (this.status) { this.status.textContent = text; }
    if (this.more) { this.more.hidden = n >= this.shown.length; }
  };

  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
    new Table(table);
  });
})();
