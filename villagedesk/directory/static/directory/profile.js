// Profile charts (ECharts) and the map of points (Leaflet). Every figure is also in a table
// beside its chart, so the page reads the same without scripts. A village's points come with
// the page; an area above villages has its map's points fetched once the map comes into view.
document.addEventListener("DOMContentLoaded", function () {
  var charts = JSON.parse(document.getElementById("profile-charts").textContent);

  function draw(id, option) {
    var box = document.getElementById(id);
    if (!box || !window.echarts) return;
    var chart = echarts.init(box);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bars(pairs) {
    return {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: {},
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: pairs.map(function (p) { return p[0]; }) },
      series: [{ type: "bar", data: pairs.map(function (p) { return p[1]; }), label: { show: true, position: "right" } }]
    };
  }
  var p = charts.pyramid;
  draw("chart-pyramid", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: Math.abs },
    legend: { data: [charts.labels.male, charts.labels.female], bottom: 0 },
    grid: { left: 8, right: 8, top: 8, bottom: 30, containLabel: true },
    xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: function (v) { return Math.abs(v); } } },
    yAxis: { type: "category", data: p.bands },
    series: [
      { name: charts.labels.male, type: "bar", stack: "a", data: p.male.map(function (v) { return -v; }) },
      { name: charts.labels.female, type: "bar", stack: "a", data: p.female }
    ]
  });
  draw("chart-status", {
    tooltip: {},
    series: [{ type: "pie", radius: ["35%", "65%"], data: charts.status.map(function (s) { return { name: s[0], value: s[1] }; }), label: { formatter: "{b}\n{c}" } }]
  });
  draw("chart-labour", bars(charts.labour));
  draw("chart-migrants", bars(charts.migrants));
  draw("chart-surnames", bars(charts.surnames));
  draw("chart-disabled", bars(charts.disabled));

  // Leaflet puts a string given to bindTooltip or bindPopup in as HTML; names typed by users
  // reach it only as text nodes inside elements built here.
  function textElement(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    return element;
  }
  function pointLabel(pt) {
    return textElement("span", pt.name);
  }
  function pointPopup(pt) {
    var popup = document.createElement("div");
    popup.appendChild(textElement("b", pt.name));
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(pt.category));
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(pt.lat.toFixed(6) + ", " + pt.lng.toFixed(6)));
    return popup;
  }

  var box = document.getElementById("village-map");
  if (!box || !window.L) return;
  var inline = document.getElementById("map-points");
  if (inline) {
    drawMap(JSON.parse(inline.textContent));
  } else if (box.dataset.pointsUrl) {
    whenSeen(box, function () {
      fetch(box.dataset.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) { drawMap(data.points); });
    });
  }

  function whenSeen(element, callback) {
    if (!window.IntersectionObserver) {
      callback();
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        callback();
      }
    }, { rootMargin: "200px" });
    observer.observe(element);
  }

  function drawMap(points) {
    var map = L.map(box, { attributionControl: Boolean(box.dataset.tiles), zoomSnap: box.dataset.tiles ? 1 : 0.25, zoomControl: false });
    // The zoom buttons' titles in the page's language (Leaflet's own are English).
    L.control.zoom({ zoomInTitle: box.dataset.zoomIn, zoomOutTitle: box.dataset.zoomOut }).addTo(map);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
    } else {
      box.classList.add("plain");
    }
    var layer = L.featureGroup().addTo(map);
    points.forEach(function (pt) {
      L.circleMarker([pt.lat, pt.lng], { radius: 7, weight: 2, color: "#1d4ed8", fillOpacity: 0.8, className: "poi poi-" + pt.code })
        .bindTooltip(pointLabel(pt), { permanent: points.length <= 30, direction: "right", offset: [8, 0], className: "poi-label" })
        .bindPopup(pointPopup(pt))
        .addTo(layer);
    });
    if (points.length) {
      map.fitBounds(layer.getBounds(), { maxZoom: 16, paddingTopLeft: [16, 16], paddingBottomRight: [64, 16] });
    } else {
      map.setView([35, 105], 4);
    }
    function gridLabel(text) {
      // Anchored just above and right of the line's end, so the label stays inside the map.
      return L.divIcon({ className: "grid-label", html: text, iconSize: [72, 12], iconAnchor: [-3, 13] });
    }
    if (!box.dataset.tiles) {
      // Without tiles, a grid of latitude and longitude lines gives the points a frame.
      var bounds = map.getBounds();
      var step = Math.max(0.001, Math.pow(10, Math.floor(Math.log10(bounds.getEast() - bounds.getWest()))) / 2);
      var grid = L.layerGroup().addTo(map);
      for (var x = Math.floor(bounds.getWest() / step) * step; x <= bounds.getEast(); x += step) {
        L.polyline([[bounds.getSouth(), x], [bounds.getNorth(), x]], { color: "#cbd5e1", weight: 1, interactive: false }).addTo(grid);
        L.marker([bounds.getSouth(), x], { icon: gridLabel(x.toFixed(3) + "°E"), interactive: false }).addTo(grid);
      }
      for (var y = Math.floor(bounds.getSouth() / step) * step; y <= bounds.getNorth(); y += step) {
        L.polyline([[y, bounds.getWest()], [y, bounds.getEast()]], { color: "#cbd5e1", weight: 1, interactive: false }).addTo(grid);
        L.marker([y, bounds.getWest()], { icon: gridLabel(y.toFixed(3) + "°N"), interactive: false }).addTo(grid);
      }
    }
  }
});
