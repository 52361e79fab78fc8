#include "coverage/basemap/basemap_cli.h"

#include <algorithm>
#include <iostream>
#include <map>

#include "core/split.h"
#include "coverage/basemap/basemap.h"
#include "coverage/basemap/basemap_import.h"
#include "coverage/progress.h"

namespace tilsyn::coverage {
namespace {

int Fail(const Status& st) {
  std::cerr << "tilsyn: " << st.ToString() << "\n";
  return st.code() == Code::kInvalidArgument ? 2 : 1;
}

}  // namespace

int RunImportBasemap(const ImportBasemapFlags& f) {
  if (f.layer.empty()) return Fail(Status::InvalidArgument("name the layer (--layer)", "layer"));
  if (f.remove != f.files.empty()) {
    return Fail(
        Status::InvalidArgument("give FILES to import, or --remove without files", "files"));
  }
  const std::string path = BasemapFile(f.data_dir);
  auto stored = LoadBasemap(path);
  if (!stored.ok()) return Fail(stored.status());
  // Importing a layer again replaces it.
  std::vector<BasemapFeature> features;
  for (auto& x : *stored) {
    if (x.layer != f.layer) features.push_back(std::move(x));
  }
  const size_t dropped = stored->size() - features.size();
  BasemapImportOptions o;
  o.layer = f.layer;
  o.name_fields = Split(f.name_fields, ',', /*skip_empty=*/true);
  BasemapImportResult total;
  if (!f.remove) {
    ProgressBar bar("basemap", static_cast<int64_t>(f.files.size()), "features");
    for (size_t i = 0; i < f.files.size(); ++i) {
      Status s = ImportBasemapFile(f.files[i], o, &features, &total);
      if (!s.ok()) return Fail(s);
      bar.Update(static_cast<int64_t>(i + 1), total.imported);
    }
    bar.Finish(total.imported);
    for (const auto& b : total.bad_listed) std::cerr << "  bad feature: " << b << "\n";
    if (total.bad > static_cast<int64_t>(total.bad_listed.size())) {
      std::cerr << "  … and " << (total.bad - static_cast<int64_t>(total.bad_listed.size()))
                << " more bad features\n";
    }
  }
  Status s = SaveBasemap(path, features);
  if (!s.ok()) return Fail(s);
  std::map<std::string, int64_t> layers;
  for (const auto& x : features) ++layers[x.layer];
  std::cout << (f.remove ? "removed" : "imported") << " layer " << f.layer << ": "
            << (f.remove ? static_cast<int64_t>(dropped) : total.imported) << " features";
  if (!f.remove) {
    std::cout << " (" << total.named << " named) of " << total.features << " read, " << total.bad
              << " bad skipped";
    if (dropped > 0) std::cout << "; replaced " << dropped << " stored";
  }
  std::cout << "; base map now " << features.size() << " features in " << layers.size()
            << " layer(s) in " << path << "\n";
  return 0;
}

}  // namespace tilsyn::coverage
