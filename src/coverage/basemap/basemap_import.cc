// ImportBasemapFile through GDAL's OGR C API (gdal_util.h).
#include "coverage/basemap/basemap_import.h"

#include <gdal/cpl_conv.h>

#include <cmath>

#include "coverage/gdal_util.h"

namespace tilsyn::coverage {
namespace {

constexpr size_t kMaxListed = 20;

}  // namespace

Status ImportBasemapFile(const std::string& file, const BasemapImportOptions& o,
                         std::vector<BasemapFeature>* out, BasemapImportResult* result) {
  if (o.layer.empty()) return Status::InvalidArgument("name the layer (--layer)", "layer");
  gdal::RegisterOnce();
  gdal::Quiet quiet;
  gdal::DatasetPtr ds(
      GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds) {
    const std::string why = CPLGetLastErrorMsg();
    return Status::InvalidArgument(file + ": cannot open as vector data (GeoJSON, GeoPackage, …)" +
                                       (why.empty() ? "" : ": " + why),
                                   "files");
  }
  const gdal::SrsPtr wgs84 = gdal::Wgs84LonLat();

  for (int li = 0; li < GDALDatasetGetLayerCount(ds.get()); ++li) {
    OGRLayerH layer = GDALDatasetGetLayer(ds.get(), li);
    if (!layer) continue;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    if (OGR_FD_GetGeomFieldCount(defn) == 0) continue;  // attribute-only table
    const std::string lname = OGR_L_GetName(layer);
    std::vector<int> name_fields;
    for (const auto& n : o.name_fields) {
      const int i = OGR_FD_GetFieldIndex(defn, n.c_str());
      if (i >= 0) name_fields.push_back(i);
    }
    TILSYN_ASSIGN_OR_RETURN(gdal::CtPtr ct, gdal::ToWgs84(layer, file, wgs84.get()));
    OGR_L_ResetReading(layer);
    while (gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
      ++result->features;
      auto bad = [&](const std::string& why) {
        ++result->bad;
        if (result->bad_listed.size() < kMaxListed) {
          result->bad_listed.push_back(file + ": " + lname + " fid " +
                                       std::to_string(OGR_F_GetFID(f.get())) + ": " + why);
        }
      };
      OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
      if (!g || OGR_G_IsEmpty(g)) {
        bad("no geometry");
        continue;
      }
      if (ct && OGR_G_Transform(g, ct.get()) != OGRERR_NONE) {
        bad("cannot be reprojected to WGS84");
        continue;
      }
      OGREnvelope env;
      OGR_G_GetEnvelope(g, &env);
      if (!std::isfinite(env.MinX) || !std::isfinite(env.MaxY) || env.MinX < -180 ||
          env.MaxX > 180 || env.MinY < -90 || env.MaxY > 90) {
        bad("coordinates outside WGS84");
        continue;
      }
      char* text = OGR_G_ExportToJson(g);
      if (!text) {
        bad("geometry cannot be written as GeoJSON");
        continue;
      }
      Json geometry = Json::parse(text, nullptr, false);
      CPLFree(text);
      if (!geometry.is_object()) {
        bad("geometry cannot be written as GeoJSON");
        continue;
      }
      BasemapFeature bf;
      bf.layer = o.layer;
      for (int i : name_fields) {
        if (OGR_F_IsFieldSetAndNotNull(f.get(), i)) {
          bf.name = OGR_F_GetFieldAsString(f.get(), i);
          if (!bf.name.empty()) break;
        }
      }
      bf.box.min_lon = env.MinX;
      bf.box.max_lon = env.MaxX;
      bf.box.min_lat = env.MinY;
      bf.box.max_lat = env.MaxY;
      bf.geometry = std::move(geometry);
      ++result->imported;
      if (!bf.name.empty()) ++result->named;
      out->push_back(std::move(bf));
    }
  }
  return Status::Ok();
}

}  // namespace tilsyn::coverage
