// GDAL's OGR C API in RAII: what the vector readers (network/gpkg_network.cc,
// basemap/basemap_import.cc) share. Internal to the coverage module: only .cc files include it,
// so GDAL's headers stay out of every other translation unit.
#pragma once

#include <gdal/cpl_error.h>
#include <gdal/gdal.h>
#include <gdal/ogr_api.h>
#include <gdal/ogr_srs_api.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

#include "core/result.h"

namespace tilsyn::coverage::gdal {

inline void RegisterOnce() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

// Silences GDAL's stderr chatter for the scope; errors are read back with CPLGetLastErrorMsg.
struct Quiet {
  Quiet() {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
  }
  ~Quiet() { CPLPopErrorHandler(); }
  Quiet(const Quiet&) = delete;
  Quiet& operator=(const Quiet&) = delete;
};

struct DatasetCloser {
  void operator()(void* ds) const { GDALClose(ds); }
};
struct SrsReleaser {
  void operator()(OGRSpatialReferenceH s) const { OSRRelease(s); }
};
struct CtDestroyer {
  void operator()(OGRCoordinateTransformationH ct) const { OCTDestroyCoordinateTransformation(ct); }
};
struct FeatureDestroyer {
  void operator()(OGRFeatureH f) const { OGR_F_Destroy(f); }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;
using SrsPtr = std::unique_ptr<std::remove_pointer_t<OGRSpatialReferenceH>, SrsReleaser>;
using CtPtr = std::unique_ptr<std::remove_pointer_t<OGRCoordinateTransformationH>, CtDestroyer>;
using FeaturePtr = std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDestroyer>;

// A copy of `srs` that reads and writes x = longitude/easting first, whatever its authority's
// axis order says.
inline SrsPtr LonLatOrder(OGRSpatialReferenceH srs) {
  SrsPtr s(OSRClone(srs));
  OSRSetAxisMappingStrategy(s.get(), OAMS_TRADITIONAL_GIS_ORDER);
  return s;
}

// WGS84 with longitude first (GeoJSON's order), whatever EPSG's axis order says.
inline SrsPtr Wgs84LonLat() {
  SrsPtr wgs84(OSRNewSpatialReference(nullptr));
  OSRImportFromEPSG(wgs84.get(), 4326);
  OSRSetAxisMappingStrategy(wgs84.get(), OAMS_TRADITIONAL_GIS_ORDER);
  return wgs84;
}

// Whether `srs` is WGS84 already (EPSG:4326 or the same datum without an authority).
inline bool IsWgs84(OGRSpatialReferenceH srs) {
  const char* auth = OSRGetAuthorityName(srs, nullptr);
  const char* code = OSRGetAuthorityCode(srs, nullptr);
  if (auth && code && std::strcmp(auth, "EPSG") == 0) return std::strcmp(code, "4326") == 0;
  SrsPtr wgs(OSRNewSpatialReference(nullptr));
  OSRSetWellKnownGeogCS(wgs.get(), "WGS84");
  return OSRIsSame(srs, wgs.get()) != 0;
}

// The transformation of `layer`'s coordinates to `wgs84` (Wgs84LonLat()); null when the layer
// is in WGS84 already or has no spatial reference. InvalidArgument (field "files") naming the
// file and layer when none exists.
inline Result<CtPtr> ToWgs84(OGRLayerH layer, const std::string& file, OGRSpatialReferenceH wgs84) {
  CtPtr ct;
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
  if (!srs || IsWgs84(srs)) return ct;
  SrsPtr src = LonLatOrder(srs);
  ct.reset(OCTNewCoordinateTransformation(src.get(), wgs84));
  if (!ct) {
    return Status::InvalidArgument(file + ": layer " + OGR_L_GetName(layer) +
                                       ": no transformation to WGS84: " + CPLGetLastErrorMsg(),
                                   "files");
  }
  return ct;
}

}  // namespace tilsyn::coverage::gdal
