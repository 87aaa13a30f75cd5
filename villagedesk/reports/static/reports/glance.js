// The village at a glance: its charts (ECharts) from the figures the page also shows in tables,
// so that it reads the same without scripts. Labels arrive as JSON text (json_script) and reach
// ECharts as strings, never as HTML.
document.addEventListener("DOMContentLoaded", function () {
  var charts = JSON.parse(document.getElementById("glance-charts").textContent);
  var labels = charts.labels;
  var drawn = [];

  function draw(id, option) {
    var box = document.getElementById(id);
    if (!box || !window.echarts) return;
    var chart = echarts.init(box);
    chart.setOption(Object.assign({ animation: false }, option));
    drawn.push(chart);
  }
  function resizeAll() { drawn.forEach(function (chart) { chart.resize(); }); }
  window.addEventListener("resize", resizeAll);
  // Printed, the charts take the size the print sheet gives their boxes, and back after.
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  var printButton = document.querySelector("[data-print]");
  if (printButton) printButton.addEventListener("click", function () { window.print(); });

  function bars(pairs) {
    return {
      grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
      tooltip: {},
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: pairs.map(function (p) { return p[0]; }) },
      series: [{ type: "bar", data: pairs.map(function (p) { return p[1]; }), label: { show: true, position: "right" } }]
    };
  }
  var p = charts.pyramid;
  draw("chart-pyramid", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: Math.abs },
    legend: { data: [labels.male, labels.female], bottom: 0 },
    grid: { left: 8, right: 8, top: 8, bottom: 30, containLabel: true },
    xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: function (v) { return Math.abs(v); } } },
    yAxis: { type: "category", data: p.bands },
    series: [
      { name: labels.male, type: "bar", stack: "a", data: p.male.map(function (v) { return -v; }) },
      { name: labels.female, type: "bar", stack: "a", data: p.female }
    ]
  });
  draw("chart-status", {
    tooltip: {},
    series: [{ type: "pie", radius: ["35%", "65%"], data: charts.status.map(function (s) { return { name: s[0], value: s[1] }; }), label: { formatter: "{b}\n{c}" } }]
  });
  var c = charts.coverage;
  draw("chart-coverage", {
    tooltip: { trigger: "axis" },
    legend: { data: [labels.visited, labels.percent], bottom: 0 },
    grid: { left: 8, right: 8, top: 16, bottom: 30, containLabel: true },
    xAxis: { type: "category", data: c.months },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: labels.visited, type: "bar", data: c.visited },
      { name: labels.percent, type: "line", yAxisIndex: 1, data: c.percent }
    ]
  });
  draw("chart-problem-status", bars(charts.problem_status));
  draw("chart-problem-category", bars(charts.problem_category));
  var g = charts.gaps;
  draw("chart-gaps", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: [labels.not_enrolled, labels.not_eligible], bottom: 0 },
    grid: { left: 8, right: 24, top: 8, bottom: 30, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: g.policies },
    series: [
      { name: labels.not_enrolled, type: "bar", data: g.not_enrolled },
      { name: labels.not_eligible, type: "bar", data: g.not_eligible }
    ]
  });
  var m = charts.monitoring;
  draw("chart-monitoring", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: [labels.open, labels.eliminated], bottom: 0 },
    grid: { left: 8, right: 24, top: 8, bottom: 30, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: m.categories },
    series: [
      { name: labels.open, type: "bar", stack: "cases", data: m.open },
      { name: labels.eliminated, type: "bar", stack: "cases", data: m.eliminated }
    ]
  });
});
