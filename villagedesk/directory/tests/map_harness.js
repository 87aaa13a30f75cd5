// Runs profile.js against a stub DOM and a stub Leaflet and prints, as JSON, what each
// bindTooltip and bindPopup received: {html} for a string, {element, text} for an element.
const fs = require("fs");
const vm = require("vm");
const [script, pointsJson] = [process.argv[2], process.argv[3]];
function node(tag) {
  return {
    tag, children: [], textContent: "", dataset: {}, classList: { add() {} },
    appendChild(child) { this.children.push(child); return child; },
  };
}
const byId = {
  "profile-charts": { textContent: JSON.stringify({ pyramid: { bands: [], male: [], female: [] }, status: [], labour: [], migrants: [], surnames: [], disabled: [], labels: {} }) },
  "map-points": { textContent: pointsJson },
  "village-map": node("div"),
};
let ready;
const bound = [];
function chain() {
  const layer = {
    addTo() { return layer; },
    bindTooltip(content) { bound.push(["tooltip", content]); return layer; },
    bindPopup(content) { bound.push(["popup", content]); return layer; },
    getBounds() { return {}; },
  };
  return layer;
}
const context = {
  document: {
    addEventListener(_name, fn) { ready = fn; },
    getElementById(id) { return byId[id] || null; },
    createElement: node,
    createTextNode(text) { return { tag: "#text", textContent: String(text) }; },
  },
  window: { addEventListener() {} },
  JSON, Math,
};
context.window.L = context.L = {
  map() { return { fitBounds() {}, setView() {}, getBounds() { return { getEast: () => 1, getWest: () => 0, getSouth: () => 0, getNorth: () => 1 }; } }; },
  tileLayer: chain, featureGroup: chain, circleMarker: chain, layerGroup: chain, polyline: chain, marker: chain,
  divIcon() { return {}; },
  control: { zoom: chain },
};
vm.runInNewContext(fs.readFileSync(script, "utf8"), context);
ready();
function text(content) {
  if (typeof content === "string") return { html: content };
  return { element: content.tag, text: content.children.length ? content.children.map((c) => c.textContent).join("|") : content.textContent };
}
console.log(JSON.stringify(bound.map(([kind, content]) => [kind, text(content)])));
