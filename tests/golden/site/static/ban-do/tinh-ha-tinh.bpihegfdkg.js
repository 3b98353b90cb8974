// Bản đồ tinh-ha-tinh: tạo bởi antq 0.1.0 với folium 0.20.0; dữ liệu trong các tệp GeoJSON dùng chung.
(function () {
"use strict";
var map_1 = L.map(
                "map_1",
                {
                    center: [18.33305, 105.7996],
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
                {"current": "42"}
            );
            data_layer_2.addTo(map_1);
            var data_layer_3 = AntqMap.wards(
                ["/ban-do/du-lieu/ha-tinh/xa.geojson"],
                {}
            );
            data_layer_3.addTo(map_1);
            var cluster_layer_4 = AntqMap.sites(
                ["/ban-do/du-lieu/ha-tinh/diem-mo-hinh.geojson", "/ban-do/du-lieu/ha-tinh/xa.geojson"],
                {}
            );
            cluster_layer_4.addTo(map_1);
            var data_layer_5 = AntqMap.exemplars(
                ["/ban-do/du-lieu/ha-tinh/diem-mo-hinh.geojson", "/ban-do/du-lieu/ha-tinh/xa.geojson"],
                {}
            );
            var layer_control_6_layers = {
                base_layers : {
                },
                overlays :  {
                    "X\u00e3, ph\u01b0\u1eddng, \u0111\u1eb7c khu" : data_layer_3,
                    "\u0110i\u1ec3m m\u00f4 h\u00ecnh (gom nh\u00f3m)" : cluster_layer_4,
                    "\u0110i\u1ec3m m\u00f4 h\u00ecnh \u0111i\u1ec3n h\u00ecnh" : data_layer_5,
                },
            };
            let layer_control_6 = L.control.layers(
                layer_control_6_layers.base_layers,
                layer_control_6_layers.overlays,
                {
  "position": "topright",
  "collapsed": true,
  "autoZIndex": true,
}
            ).addTo(map_1);
            map_1.fitBounds(
                [[17.9077, 105.0803], [18.7584, 106.5189]],
                {"animate": false}
            );
            AntqMap.controls(map_1, {}, data_layer_3);
})();
