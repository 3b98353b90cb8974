// Bản đồ tong-quan: tạo bởi antq 0.1.0 với folium 0.20.0; dữ liệu trong các tệp GeoJSON dùng chung.
(function () {
"use strict";
var map_1 = L.map(
                "map_1",
                {
                    center: [15.89155, 108.28435],
                    crs: L.CRS.EPSG3857,
                    ...{
  "zoom": 6,
  "zoomControl": false,
  "preferCanvas": false,
  "minZoom": 4,
  "maxZoom": 17,
  "zoomSnap": 0.5,
}
                }
            );
            var data_layer_2 = AntqMap.basemap(
                ["/static/ban-do/tinh.damdigcdch.geojson"],
                {"summary": "/ban-do/du-lieu/tinh.geojson"}
            );
            data_layer_2.addTo(map_1);
            var data_layer_3 = AntqMap.wards(
                ["/ban-do/du-lieu/ha-tinh/xa.geojson", "/ban-do/du-lieu/hai-phong/xa.geojson", "/ban-do/du-lieu/tuyen-quang/xa.geojson"],
                {"dots": true, "keyboard": false}
            );
            data_layer_3.addTo(map_1);
            var data_layer_4 = AntqMap.provinces(
                ["/ban-do/du-lieu/tinh.geojson"],
                {}
            );
            var layer_control_5_layers = {
                base_layers : {
                },
                overlays :  {
                    "X\u00e3, ph\u01b0\u1eddng, \u0111\u1eb7c khu" : data_layer_3,
                    "S\u1ed1 \u0111i\u1ec3m m\u00f4 h\u00ecnh theo t\u1ec9nh" : data_layer_4,
                },
            };
            let layer_control_5 = L.control.layers(
                layer_control_5_layers.base_layers,
                layer_control_5_layers.overlays,
                {
  "position": "topright",
  "collapsed": true,
  "autoZIndex": true,
}
            ).addTo(map_1);
            map_1.fitBounds(
                [[8.4168, 102.1187], [23.3663, 114.45]],
                {"animate": false}
            );
            AntqMap.controls(map_1, {});
})();
