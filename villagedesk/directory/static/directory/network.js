// The contact network drawn by ECharts, page by page from the chart address; the ranking table
// beside it works without scripts.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("network-chart");
  var more = document.getElementById("network-more");
  if (!box || !window.echarts) return;
  var chart = echarts.init(box);
  var nodes = [], links = [], names = [""], next = 0;

  // A node's tooltip: the full name and its organisation, as text nodes (never HTML).
  function tip(params) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.appendChild(document.createTextNode(params.data.name || ""));
    box.appendChild(name);
    var organisation = names[params.data.category];
    if (organisation) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(organisation));
    }
    return box;
  }

  function draw() {
    var many = nodes.length > 200;
    chart.setOption({
      animation: !many,
      tooltip: { formatter: function (params) { return params.dataType === "node" ? tip(params) : ""; } },
      legend: nodes.length <= 300 && names.length <= 13 ? [{ data: names.filter(Boolean), type: "scroll", bottom: 0 }] : [],
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        data: nodes,
        links: links,
        categories: names.map(function (n) { return { name: n }; }),
        // Every node is labelled with its short name (drawn on the canvas, as text);
        // labels that would overlap are hidden until the chart is zoomed.
        label: { show: true, position: "right", formatter: function (params) { return params.data.short; } },
        labelLayout: { hideOverlap: true },
        force: { repulsion: many ? 30 : 120, edgeLength: [30, 90] },
        lineStyle: { color: "source", opacity: 0.5 },
        emphasis: { focus: "adjacency" }
      }]
    });
  }

  function load() {
    if (next === null) return;
    if (more) more.disabled = true;
    var url = box.dataset.url + (box.dataset.url.indexOf("?") < 0 ? "?" : "&") + "offset=" + next;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.nodes.forEach(function (n) {
          var index = names.indexOf(n.category);
          if (index < 0) { names.push(n.category); index = names.length - 1; }
          n.category = index;
          nodes.push(n);
        });
        links = links.concat(data.links);
        next = data.next;
        draw();
        if (more) { more.hidden = next === null; more.disabled = false; }
      });
  }

  if (more) more.addEventListener("click", load);
  load();
  window.addEventListener("resize", function () { chart.resize(); });
});
