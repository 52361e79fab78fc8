// Street-network readers behind one entry point: ImportNetworkFile picks the reader by the file's
// extension — .gpkg (GeoPackage, read through GDAL/OGR) or anything else as GeoJSON
// (street_network.h). Both take the same NetworkImportOptions (fixed kind or a property mapping),
// add LineString/MultiLineString features to a StreetNetwork in WGS84 and count bad features
// without aborting. GDAL is confined to gpkg_network.cc. Thread-compatible: one import per
// StreetNetwork at a time.
#pragma once

#include <string>

#include "core/result.h"
#include "coverage/network/street_network.h"

namespace tilsyn::coverage {

// Reads `file` by extension (see above). NotFound when it cannot be read.
Status ImportNetworkFile(const std::string& file, const NetworkImportOptions& options,
                         StreetNetwork* net, NetworkImportResult* out);

// Every vector layer of a GeoPackage: line features are reprojected to WGS84 (OGR
// OCTTransform) when the layer's SRS is not EPSG:4326 (a layer without an SRS is taken as
// WGS84). The kind property is read from the feature's attribute field of that name. Bad
// features (no geometry, not a line, unmapped kind, transform failure) are counted with reason
// "LAYER fid N: ...". InvalidArgument when GDAL cannot open the file as a GeoPackage.
Status ImportNetworkGpkg(const std::string& file, const NetworkImportOptions& options,
                         StreetNetwork* net, NetworkImportResult* out);

}  // namespace tilsyn::coverage
