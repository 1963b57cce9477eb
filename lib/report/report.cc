#include "report/report.h"

#include "core/path.h"
#include "core/text.h"

namespace imgstrip {

Json report_json(const Resolution& r, const FileTree& tree) {
  Json out = Json::object();
  out["summary"] = {{"files_before", r.files_before}, {"bytes_before", r.bytes_before},
                    {"files_after", r.files_after},   {"bytes_after", r.bytes_after},
                    {"kept", r.keep.size()},          {"removed", r.removed.size()},
                    {"package_db", r.package_db}};
  Json kept = Json::array();
  for (auto& [path, reasons] : r.keep.entries()) {
    Json item = {{"path", abs_path(path)}};
    if (const Entry* e = tree.find(path)) {
      item["type"] = std::string(file_type_name(e->type));
      if (e->type == FileType::Regular) item["size"] = e->size;
    } else {
      item["type"] = "generated";
    }
    Json rs = Json::array();
    for (auto& reason : reasons) {
      rs.push_back({{"kind", std::string(reason_kind_name(reason.kind))},
                    {"detail", reason.detail},
                    {"from", reason.from.empty() ? "" : abs_path(reason.from)}});
    }
    item["reasons"] = std::move(rs);
    kept.push_back(std::move(item));
  }
  out["kept"] = std::move(kept);
  Json removed = Json::array();
  for (auto& p : r.removed)
    removed.push_back(abs_path(p));
  out["removed"] = std::move(removed);
  Json generated = Json::array();
  for (auto& g : r.generated) {
    generated.push_back(
        {{"path", abs_path(g.entry.path)}, {"size", g.contents.size()}, {"why", g.why}});
  }
  out["generated"] = std::move(generated);
  Json packages = Json::array();
  for (auto& s : r.package_sizes) {
    packages.push_back({{"name", s.name},
                        {"kept", s.kept},
                        {"reason", s.reason},
                        {"files_before", s.files_before},
                        {"bytes_before", s.bytes_before},
                        {"files_after", s.files_after},
                        {"bytes_after", s.bytes_after}});
  }
  out["packages"] = std::move(packages);
  Json skipped = Json::array();
  for (auto& s : r.not_followed) {
    skipped.push_back({{"package", s.package}, {"dependency", s.dependency}, {"why", s.why}});
  }
  out["not_followed"] = std::move(skipped);
  out["missing"] = r.missing;
  out["notes"] = r.notes;
  return out;
}

std::string why_text(const Resolution& r, std::string_view path) {
  std::string p = strip_slashes(path);
  if (!r.keep.contains(p)) {
    if (r.keep.excluded_hits().count(p))
      return one_line(abs_path(p)) + " is not kept: removed by -r\n";
    return one_line(abs_path(p)) + " is not kept\n";
  }
  // One line per step: names from the image cannot break lines or reach the terminal raw.
  std::string out;
  for (auto& line : r.keep.why(p))
    out += one_line(line) + "\n";
  const auto& reasons = r.keep.reasons(p);
  for (size_t i = 1; i < reasons.size(); ++i)
    out += "  also: " + one_line(reasons[i].text()) + "\n";
  return out;
}

}  // namespace imgstrip
