/* The public register's map (README, Map): progressive enhancement of /register.
 *
 * The page works without this file. Where a tile server is set up, the page holds a hidden
 * #register-map whose data attributes carry the settings and the translated labels, and rows
 * (li.entry) carrying data-lat/data-lng; this script loads Leaflet's stylesheets, draws a
 * marker for each row of the page (markers that would overlap, as a city's deployments do on a
 * country's map, gathered into one that zooms in on them: Leaflet.markercluster), and offers a
 * button that writes the map's view into the
 * filter form's bbox field (west,south,east,north) and submits it. It makes no request of its
 * own beyond the stylesheets and the tiles, uses no inline script or style attribute (the page's
 * Content-Security-Policy forbids both), and needs nothing from the server, so a static export
 * of the page behaves the same.
 */
(function () {
  "use strict";

  var holder = document.getElementById("register-map");
  if (!holder || !window.L || !L.markerClusterGroup || !holder.dataset.tiles) {
    return;
  }
  var settings = holder.dataset;

  function loadStylesheets(hrefs) {
    return Promise.all(hrefs.map(function (href) {
      return new Promise(function (resolve, reject) {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = href;
        link.onload = resolve;
        link.onerror = reject;
        document.head.appendChild(link);
      });
    }));
  }

  function escaped(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  /* The provider's credit as Leaflet shows it (HTML): the text set up, linked when a page is given. */
  function attribution() {
    var text = escaped(settings.attribution || "");
    var url = settings.attributionUrl || "";
    return text && /^https?:\/\//.test(url) ? "<a href=\"" + escaped(url) + "\">" + text + "</a>" : text;
  }

  /* A box the form takes (west,south,east,north) from the bbox the page was filtered on. */
  function parseBox(text) {
    var parts = text.split(",").map(Number);
    if (parts.length !== 4 || parts.some(isNaN)) {
      return null;
    }
    var west = parts[0], south = parts[1], east = parts[2], north = parts[3];
    if (west > east) {  // across the antimeridian: go on east of 180 so Leaflet draws one box
      east += 360;
    }
    return L.latLngBounds([south, west], [north, east]);
  }

  function degrees(value) {
    return String(Number(value.toFixed(5)));
  }

  function wrapped(longitude) {
    return ((longitude + 180) % 360 + 360) % 360 - 180;
  }

  /* The map's view as the bbox field writes it; a view wider than the world is the whole world. */
  function boxText(bounds) {
    var south = Math.max(-90, bounds.getSouth()), north = Math.min(90, bounds.getNorth());
    var west = bounds.getWest(), east = bounds.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    } else {
      west = wrapped(west);
      east = wrapped(east);
      if (east === -180) {
        east = 180;
      }
    }
    return [west, south, east, north].map(degrees).join(",");
  }

  function popupContent(row) {
    var box = document.createElement("div");
    var name = document.createElement("p");
    var link = row.querySelector("h2 a");
    name.className = "register-map-name";
    name.appendChild(link.cloneNode(true));
    box.appendChild(name);
    var status = row.querySelector(".banner");
    if (status) {
      var line = document.createElement("p");
      line.textContent = status.textContent;
      box.appendChild(line);
    }
    return box;
  }

  /* A marker for each row that gives its place; in a box, on the copy of the world the box shows, so a
   * box across the antimeridian holds the rows on both sides of it. */
  function markers(box) {
    var rows = document.querySelectorAll("li.entry[data-lat][data-lng]");
    var middle = box ? box.getCenter().lng : 0;
    var made = [];
    Array.prototype.forEach.call(rows, function (row) {
      var at = [Number(row.dataset.lat), Number(row.dataset.lng)];
      if (isNaN(at[0]) || isNaN(at[1])) {
        return;
      }
      at[1] += 360 * Math.round((middle - at[1]) / 360);
      var name = row.querySelector("h2 a").textContent;
      // the popup keeps clear of the zoom buttons in the top left corner, which would cover it
      made.push(L.marker(at, {title: name, alt: name})
        .bindPopup(popupContent(row), {autoPanPaddingTopLeft: L.point(64, 16)}));
    });
    return made;
  }

  function searchButton(map) {
    var form = document.querySelector("form.filters");
    var field = form && form.querySelector("input[name=bbox]");
    if (!field) {
      return null;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button register-map-search";
    button.textContent = settings.search;
    button.addEventListener("click", function () {
      field.value = boxText(map.getBounds());
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });
    return button;
  }

  function draw() {
    var canvas = document.createElement("div");
    canvas.className = "register-map-canvas";
    holder.appendChild(canvas);
    holder.hidden = false;
    var map = L.map(canvas, {zoomControl: false, scrollWheelZoom: false, worldCopyJump: true});
    L.control.zoom({zoomInTitle: settings.zoomIn, zoomOutTitle: settings.zoomOut}).addTo(map);
    L.tileLayer(settings.tiles, {attribution: attribution(), maxZoom: 19}).addTo(map);
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", settings.close);
        close.setAttribute("role", "button");
      }
    });
    // every marker on the map, gathered or not, is a button with a name: Enter opens its popup or, for a
    // gathering, zooms in on it (their elements exist only while they are on the map)
    map.on("layeradd", function (event) {
      var element = event.layer instanceof L.Marker && event.layer.getElement();
      if (!element) {
        return;
      }
      element.setAttribute("role", "button");
      if (event.layer.getChildCount) {
        element.setAttribute("aria-label", settings.cluster.replace("{n}", event.layer.getChildCount()));
      }
    });
    var box = settings.bbox ? parseBox(settings.bbox) : null;
    var points = markers(box);
    var group = L.markerClusterGroup({showCoverageOnHover: false, spiderfyDistanceMultiplier: 2});
    group.addLayers(points);
    if (box) {
      map.fitBounds(box);
    } else if (points.length) {
      map.fitBounds(L.featureGroup(points).getBounds(), {padding: [24, 24], maxZoom: 15});
    } else {
      map.fitBounds([[-55, -170], [72, 170]]);
    }
    group.addTo(map);  // once the map has a view, so the gatherings are made for it
    var button = searchButton(map);
    if (button) {
      holder.appendChild(button);
    }
    holder.setAttribute("data-markers", String(points.length));
  }

  loadStylesheets((settings.stylesheets || "").split(" ").filter(Boolean)).then(draw, function () {
    // without Leaflet's stylesheet the map would be a heap of tiles: the list alone reads better
  });
}());
