// Runs network.js against a stub DOM, a stub ECharts and a stub fetch answering with the chart
// data given, and prints as JSON what the chart would show for each node: its label (the label
// formatter's answer) and its tooltip ({html} for a string, {element, text} for an element).
const fs = require("fs");
const vm = require("vm");
const [script, chartJson] = [process.argv[2], process.argv[3]];
function node(tag) {
  return {
    tag, children: [], textContent: "",
    appendChild(child) { this.children.push(child); return child; },
  };
}
function text(content) {
  if (typeof content === "string") return { html: content };
  const flat = (n) => (n.children.length ? n.children.map(flat).join("|") : n.textContent);
  return { element: content.tag, text: flat(content) };
}
const byId = { "network-chart": { dataset: { url: "/network/chart/" } } };
let ready;
const options = [];
const context = {
  document: {
    addEventListener(_name, fn) { ready = fn; },
    getElementById(id) { return byId[id] || null; },
    createElement: node,
    createTextNode(value) { return { tag: "#text", children: [], textContent: String(value) }; },
  },
  window: { addEventListener() {} },
  fetch() { return Promise.resolve({ json: () => JSON.parse(chartJson) }); },
  JSON, Math,
};
context.window.echarts = context.echarts = {
  init() { return { setOption(option) { options.push(option); }, resize() {} }; },
};
vm.runInNewContext(fs.readFileSync(script, "utf8"), context);
ready();
setTimeout(() => {
  const option = options[options.length - 1];
  const series = option.series[0];
  console.log(JSON.stringify({
    labelShown: series.label.show,
    nodes: series.data.map((data) => ({
      label: series.label.formatter({ data, dataType: "node" }),
      tooltip: text(option.tooltip.formatter({ data, dataType: "node" })),
    })),
  }));
}, 0);
