// -f PATH|GLOB: files or whole directories the user asks for.
#include "core/path.h"
#include "elf/ld_so_conf.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class RequestFilesRule : public Rule {
 public:
  std::string_view name() const override { return "files"; }

  void start(ResolveContext& ctx) override {
    for (auto& f : ctx.request.files) {
      std::vector<std::string> matches;
      if (has_glob(f)) {
        matches = glob_in(ctx.tree, f.starts_with('/') ? f : "/" + f);
      } else {
        matches.push_back(strip_slashes(f));
      }
      size_t kept = 0;
      for (auto& m : matches)
        kept += ctx.keep.add_tree(m, {ReasonKind::File, "-f " + f, ""});
      if (kept == 0 && !ctx.keep.contains(strip_slashes(f))) {
        ctx.notes.push_back("-f " + f + ": matches nothing in the image");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> request_files_rule() {
  return std::make_unique<RequestFilesRule>();
}

}  // namespace imgstrip
