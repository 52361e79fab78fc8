// tilsyn import basemap FILES… --layer NAME [--name-fields F,…] [--remove] [--data-dir DIR]:
// a city's base map (building footprints, kerbs, street names …) into
// <data-dir>/basemap/features.jsonl, one named layer per import (importing a layer again
// replaces it; --remove drops it). Returns the process exit code (0 ok, 1 failure, 2 bad usage).
#pragma once

#include <string>
#include <vector>

namespace tilsyn::coverage {

struct ImportBasemapFlags {
  std::vector<std::string> files;
  std::string data_dir = "tilsyn-data";
  std::string layer;
  std::string name_fields = "name,navn,vejnavn,stednavn";
  bool remove = false;
};
int RunImportBasemap(const ImportBasemapFlags& flags);

}  // namespace tilsyn::coverage
