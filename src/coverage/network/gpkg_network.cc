// GeoPackage street-network reader (network_import.h) through GDAL's OGR C API (gdal_util.h).
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "coverage/gdal_util.h"
#include "coverage/network/network_import.h"

namespace tilsyn::coverage {

Status ImportNetworkGpkg(const std::string& file, const NetworkImportOptions& o, StreetNetwork* net,
                         NetworkImportResult* out) {
  if (!o.kind && o.kind_property.empty()) {
    return Status::InvalidArgument("network import needs --kind or --kind-map", "kind");
  }
  gdal::RegisterOnce();
  gdal::Quiet quiet;
  const char* const drivers[] = {"GPKG", nullptr};
  gdal::DatasetPtr ds(
      GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
  if (!ds) {
    std::string why = CPLGetLastErrorMsg();
    return Status::InvalidArgument(
        file + ": cannot open as a GeoPackage" + (why.empty() ? "" : ": " + why), "files");
  }
  const gdal::SrsPtr wgs84 = gdal::Wgs84LonLat();

  std::vector<double> xs, ys;
  const int layers = GDALDatasetGetLayerCount(ds.get());
  for (int li = 0; li < layers; ++li) {
    OGRLayerH layer = GDALDatasetGetLayer(ds.get(), li);
    if (!layer) continue;
    const std::string lname = OGR_L_GetName(layer);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    if (OGR_FD_GetGeomFieldCount(defn) == 0) continue;  // attribute-only table
    const int kind_field = o.kind ? -1 : OGR_FD_GetFieldIndex(defn, o.kind_property.c_str());

    TILSYN_ASSIGN_OR_RETURN(gdal::CtPtr ct, gdal::ToWgs84(layer, file, wgs84.get()));

    OGR_L_ResetReading(layer);
    while (gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
      ++out->features;
      const long long fid = OGR_F_GetFID(f.get());
      auto bad = [&](const std::string& why) {
        ++out->bad;
        if (out->bad_records.size() < GpsImportResult::kMaxListed)
          out->bad_records.push_back({file, 0, lname + " fid " + std::to_string(fid) + ": " + why});
      };
      LaneKind kind = o.kind.value_or(LaneKind::kRoadway);
      if (!o.kind) {
        std::string value;
        if (kind_field >= 0 && OGR_F_IsFieldSetAndNotNull(f.get(), kind_field)) {
          value = OGR_F_GetFieldAsString(f.get(), kind_field);
        }
        auto it = o.kind_values.find(value);
        if (it == o.kind_values.end()) it = o.kind_values.find("*");
        if (it == o.kind_values.end()) {
          bad("property '" + o.kind_property + "' value '" + value + "' is not mapped");
          continue;
        }
        kind = it->second;
      }
      OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
      if (!g) {
        bad("no geometry");
        continue;
      }
      std::vector<OGRGeometryH> lines;
      const OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(g));
      if (type == wkbLineString) {
        lines.push_back(g);
      } else if (type == wkbMultiLineString) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i)
          lines.push_back(OGR_G_GetGeometryRef(g, i));
      } else {
        bad(std::string("geometry is ") + OGRGeometryTypeToName(type) +
            ", not a LineString or MultiLineString");
        continue;
      }
      int64_t added = 0;
      bool ok = true;
      std::vector<NetworkSegment> segs;
      for (OGRGeometryH l : lines) {
        const int n = OGR_G_GetPointCount(l);
        xs.resize(n);
        ys.resize(n);
        for (int i = 0; i < n; ++i) {
          xs[i] = OGR_G_GetX(l, i);
          ys[i] = OGR_G_GetY(l, i);
        }
        if (ct && n > 0 && !OCTTransform(ct.get(), n, xs.data(), ys.data(), nullptr)) {
          ok = false;
          break;
        }
        for (int i = 0; i < n && ok; ++i) {
          if (!std::isfinite(xs[i]) || !std::isfinite(ys[i]) || std::abs(ys[i]) > 90 ||
              std::abs(xs[i]) > 180) {
            ok = false;
          }
        }
        for (int i = 1; i < n && ok; ++i) {
          segs.push_back({{ys[i - 1], xs[i - 1]}, {ys[i], xs[i]}, kind});
        }
      }
      if (!ok || segs.empty()) {
        bad(ok ? "fewer than two points" : "bad coordinates");
        continue;
      }
      for (const auto& s : segs) net->Add(s);
      added = static_cast<int64_t>(segs.size());
      out->segments += added;
      out->by_kind[static_cast<int>(kind)] += added;
    }
  }
  return Status::Ok();
}

}  // namespace tilsyn::coverage
