// The contact network drawn by ECharts; the ranking table beside it works without scripts.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("network-chart");
  if (!box || !window.echarts) return;
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var names = Array.from(new Set(data.nodes.map(function (n) { return n.category; })));
  data.nodes.forEach(function (n) { n.category = names.indexOf(n.category); });
  var chart = echarts.init(box);
  chart.setOption({
    animation: data.nodes.length < 200,
    tooltip: {},
    legend: data.nodes.length <= 300 && names.length <= 12 ? [{ data: names.filter(Boolean), type: "scroll", bottom: 0 }] : [],
    series: [{
      type: "graph",
      layout: "force",
      roam: true,
      draggable: true,
      data: data.nodes,
      links: data.links,
      categories: names.map(function (n) { return { name: n }; }),
      label: { show: data.nodes.length <= 80, position: "right" },
      labelLayout: { hideOverlap: true },
      force: { repulsion: data.nodes.length > 200 ? 30 : 120, edgeLength: [30, 90] },
      lineStyle: { color: "source", opacity: 0.5 },
      emphasis: { focus: "adjacency" }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
