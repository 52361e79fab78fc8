#include "coverage/network/network_import.h"

#include "core/file_util.h"

namespace tilsyn::coverage {

Status ImportNetworkFile(const std::string& file, const NetworkImportOptions& options,
                         StreetNetwork* net, NetworkImportResult* out) {
  if (file.ends_with(".gpkg") || file.ends_with(".GPKG")) {
    return ImportNetworkGpkg(file, options, net, out);
  }
  TILSYN_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  return ImportNetworkGeoJson(text, file, options, net, out);
}

}  // namespace tilsyn::coverage
