/* The map: the host country's divisions and the records' points, drawn with Leaflet on a plain background
   (no tile server, nothing loaded from the network). The data is embedded in the page (#map-data); the symbols
   are the legend's own SVGs, so the map and its legend cannot disagree. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!el || !source || !window.L) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var SHADES = ["#f1f1ec", "#d3e3f0", "#9cc2e0", "#5f97c8"];

  function symbolSvg(symbol, approximate) {
    var sample = document.querySelector('#map-legend [data-symbol="' + symbol + '"] svg');
    if (!sample) {
      return "";
    }
    var svg = sample.cloneNode(true);
    if (approximate) {
      svg.classList.add("approximate");
    }
    return svg.outerHTML;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function pointPopup(point) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var list = document.createElement("ul");
    point.records.forEach(function (r) {
      var item = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "popup-kind";
      kind.textContent = r.type + ": ";
      item.appendChild(kind);
      item.appendChild(link(r.url, r.title));
      [r.detail, r.where].forEach(function (text) {
        if (text) {
          var line = document.createElement("span");
          line.className = "popup-detail";
          line.textContent = text;
          item.appendChild(line);
        }
      });
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function divisionPopup(p) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("strong");
    title.textContent = p.name;
    var summary = document.createElement("p");
    summary.textContent = p.summary;
    box.appendChild(title);
    box.appendChild(summary);
    box.appendChild(link(p.url, p.link));
    return box;
  }

  var map = L.map(el, { zoomSnap: 0.25, minZoom: 3, maxZoom: 12, attributionControl: true });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  var outlines = L.geoJSON(data.divisions, {
    attribution: data.attribution,
    style: function (feature) {
      return {
        color: "#5a6270",
        weight: 1,
        fillColor: SHADES[feature.properties.shade] || SHADES[0],
        fillOpacity: 1,
        className: "division-" + feature.properties.slug,
      };
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      layer.bindTooltip(p.name + " · " + p.summary, { sticky: true });
      layer.bindPopup(function () {
        return divisionPopup(p);
      });
      layer.on("mouseover", function () {
        layer.setStyle({ weight: 2.5, color: "#14263a" });
      });
      layer.on("mouseout", function () {
        outlines.resetStyle(layer);
      });
    },
  }).addTo(map);
  if (outlines.getLayers().length) {
    map.fitBounds(outlines.getBounds(), { padding: [8, 8] });
  } else {
    map.setView([0, 0], 3);
  }
  data.points.forEach(function (point) {
    var icon = L.divIcon({
      className: "map-marker",
      html: symbolSvg(point.symbol, point.approximate),
      iconSize: [22, 22],
      iconAnchor: [11, 11],
      popupAnchor: [0, -10],
    });
    L.marker([point.lat, point.lon], { icon: icon, title: point.label, alt: point.label, keyboard: true, riseOnHover: true })
      .bindPopup(function () {
        return pointPopup(point);
      })
      .addTo(map);
  });
  el.classList.add("map-ready");
})();
