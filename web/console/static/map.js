/* The console's map: Leaflet with the pins of /console/map.json, coloured by class.
   No inline script (the Content-Security-Policy allows this app's files only): the page
   gives the pins' address, the tile server and its credit as data attributes. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || typeof L === "undefined") {
    return;  // no Leaflet: the table below the map still lists every pin
  }
  var style = getComputedStyle(document.documentElement);
  function colour(tone) {
    return style.getPropertyValue("--" + tone).trim() || "#7c8494";
  }
  function popup(pin) {
    var root = document.createElement("div");
    var link = document.createElement("a");
    link.href = pin.url;
    link.textContent = pin.name;
    var title = document.createElement("strong");
    title.appendChild(link);
    root.appendChild(title);
    var lines = [pin.label, pin.place, (pin.projects || []).join(" ")];
    lines.forEach(function (text) {
      if (text) {
        var line = document.createElement("div");
        line.textContent = text;
        root.appendChild(line);
      }
    });
    return root;
  }

  var map = L.map(box, { scrollWheelZoom: false }).setView([13.0, 101.0], 5);
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);
  fetch(box.dataset.pins, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("pins " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      var points = [];
      data.pins.forEach(function (pin) {
        L.circleMarker([pin.lat, pin.lng], {
          radius: 9, color: "#ffffff", weight: 2, fillColor: colour(pin.tone), fillOpacity: 0.95
        }).bindPopup(popup(pin)).addTo(map);
        points.push([pin.lat, pin.lng]);
      });
      if (points.length) {
        map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
      }
      box.classList.add("loaded");
    })
    .catch(function () {
      box.classList.add("failed");
    });
})();
