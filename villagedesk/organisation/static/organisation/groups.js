// The map of a village's ten-household groups (Leaflet), among the village's points of interest.
// Every group is also a row of the table above, so the page reads the same without scripts.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("groups-map");
  var data = document.getElementById("groups-points");
  if (!box || !data || !window.L) return;
  var points = JSON.parse(data.textContent);

  // Leaflet puts a string given to bindTooltip or bindPopup in as HTML; names typed by users
  // reach it only as text nodes inside elements built here.
  function textElement(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    return element;
  }
  function groupPopup(group) {
    var popup = document.createElement("div");
    popup.appendChild(textElement("b", group.name));
    if (group.head) {
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(group.head));
    }
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(box.dataset.households + ": " + group.households));
    return popup;
  }

  var map = L.map(box, { attributionControl: false, zoomSnap: 0.25, zoomControl: false });
  L.control.zoom({ zoomInTitle: box.dataset.zoomIn, zoomOutTitle: box.dataset.zoomOut }).addTo(map);
  box.classList.add("plain");
  var layer = L.featureGroup().addTo(map);
  points.places.forEach(function (place) {
    L.circleMarker([place.lat, place.lng], { radius: 4, weight: 1, color: "#64748b", fillOpacity: 0.6 })
      .bindTooltip(textElement("span", place.name), { direction: "right", offset: [6, 0] })
      .addTo(layer);
  });
  points.groups.forEach(function (group) {
    L.circleMarker([group.lat, group.lng], { radius: 9, weight: 2, color: "#1d4ed8", fillOpacity: 0.8, className: "group-marker" })
      .bindTooltip(textElement("span", group.name), { permanent: points.groups.length <= 30, direction: "right", offset: [10, 0], className: "poi-label" })
      .bindPopup(groupPopup(group))
      .addTo(layer);
  });
  if (points.groups.length || points.places.length) {
    map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [24, 24] });
  } else {
    map.setView([35, 105], 4);
  }
});
