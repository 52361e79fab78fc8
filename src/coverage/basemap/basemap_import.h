// Reading a base-map file (GeoJSON, GeoPackage or any vector format GDAL reads) into
// BasemapFeatures: every layer and every geometry type, reprojected to WGS84 (e.g. from
// EPSG:25832), each feature's name from the first of `name_fields` it has.
#pragma once

#include <string>
#include <vector>

#include "coverage/basemap/basemap.h"

namespace tilsyn::coverage {

struct BasemapImportOptions {
  std::string layer;                     // the stored layer's name (required)
  std::vector<std::string> name_fields;  // e.g. {"name", "navn", "vejnavn"}
};

struct BasemapImportResult {
  int64_t features = 0;  // read
  int64_t imported = 0;
  int64_t named = 0;                    // imported with a name
  int64_t bad = 0;                      // skipped (no geometry, bad coordinates)
  std::vector<std::string> bad_listed;  // the first few, "file: layer fid N: why"
};

// Appends the file's features to `out`. InvalidArgument (field "files") when it cannot be
// opened as a vector data set or a layer cannot be reprojected.
Status ImportBasemapFile(const std::string& file, const BasemapImportOptions& options,
                         std::vector<BasemapFeature>* out, BasemapImportResult* result);

}  // namespace tilsyn::coverage
