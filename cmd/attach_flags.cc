#include "attach_flags.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/error.h"
#include "core/stream.h"

namespace imgstrip::cli {
namespace {

// The name signatures and SBOMs give the image: --sign-identity, else the registry
// reference written to. An OCI layout has no name of its own.
std::optional<Reference> identity_for(const cxxopts::ParseResult& args, const Location& to) {
  if (args.count("sign-identity")) {
    try {
      return Reference::parse(args["sign-identity"].as<std::string>());
    } catch (const Error& e) {
      usage_fail("--sign-identity: {}", e.what());
    }
  }
  if (to.kind == Location::Kind::Registry) return to.reference;
  return std::nullopt;
}

}  // namespace

void add_sign_flags(cxxopts::Options& options) {
  options.add_options("signing")(
      "sign-by-sigstore-private-key",
      "sign the written image in cosign's format with this ECDSA P-256 PEM private key",
      cxxopts::value<std::string>())("sign-passphrase-file",
                                     "the passphrase of an encrypted key (its first line)",
                                     cxxopts::value<std::string>())(
      "sign-identity",
      "the docker-reference the signature names (default: the destination; required for oci:)",
      cxxopts::value<std::string>());
}

void add_sbom_flags(cxxopts::Options& options) {
  options.add_options("sbom")(
      "sbom",
      "attach an SBOM of what stays: spdx (SPDX 2.3) or cyclonedx (CycloneDX 1.5); repeatable",
      cxxopts::value<std::vector<std::string>>())(
      "sbom-out", "also write the SBOM to this file; repeatable, one per --sbom in order",
      cxxopts::value<std::vector<std::string>>());
}

AttachRequest attach_request(const cxxopts::ParseResult& args, const Location& to) {
  AttachRequest r;
  bool sign = args.count("sign-by-sigstore-private-key") > 0;
  if (!sign && args.count("sign-passphrase-file")) {
    usage_fail("--sign-passphrase-file needs --sign-by-sigstore-private-key");
  }
  if (args.count("sbom")) {
    for (auto& f : args["sbom"].as<std::vector<std::string>>()) {
      try {
        r.sboms.push_back(parse_sbom_format(f));
      } catch (const Error& e) {
        usage_fail("--sbom: {}", e.what());
      }
    }
  }
  if (args.count("sbom-out")) {
    r.sbom_files = args["sbom-out"].as<std::vector<std::string>>();
    if (r.sbom_files.size() != r.sboms.size()) {
      usage_fail(
          "--sbom-out: give one file per --sbom, in the same order ({} --sbom, {} --sbom-out)",
          r.sboms.size(), r.sbom_files.size());
    }
  }
  bool wants_store = sign || (!r.sboms.empty() && r.sbom_files.empty());
  if (wants_store && !holds_attachments(to)) {
    usage_fail(
        "{} cannot hold signatures or SBOM artifacts (only docker:// and oci: destinations "
        "do){}",
        to.str(), sign ? "" : "; --sbom-out FILE writes the SBOM to a file instead");
  }
  r.attach = holds_attachments(to) && (sign || !r.sboms.empty());
  r.identity = identity_for(args, to);
  if (sign) {
    if (!r.identity) {
      usage_fail(
          "--sign-by-sigstore-private-key: name the image the signature is for with "
          "--sign-identity REF (an oci: layout has no registry name)");
    }
    std::optional<std::filesystem::path> pass;
    if (args.count("sign-passphrase-file")) pass = args["sign-passphrase-file"].as<std::string>();
    r.key = load_signing_key(args["sign-by-sigstore-private-key"].as<std::string>(), pass);
  }
  return r;
}

Attached attach_to_image(const AttachRequest& request, const Location& to,
                         const RegistryOptions& options, const Digest& digest,
                         const Inventory* inventory, const std::string& created) {
  Attached out;
  if (!request.attach && request.sbom_files.empty()) return out;
  std::string what = "SBOM";
  try {
    SbomSubject subject;
    if (request.identity) {
      subject.repository = request.identity->name();
      subject.reference = request.identity->str();
    } else {
      subject.repository = std::filesystem::path(to.path).filename().string();
      subject.reference = to.str();
    }
    subject.digest = digest;
    subject.created = sbom_time(created);
    subject.tool_version = IMGSTRIP_VERSION;
    std::vector<std::string> documents;
    for (size_t i = 0; i < request.sboms.size(); ++i) {
      if (inventory == nullptr) fail("no inventory of the image was taken");
      documents.push_back(sbom_document(request.sboms[i], *inventory, subject));
      if (i < request.sbom_files.size()) write_file_atomic(request.sbom_files[i], documents[i]);
    }
    if (!request.attach) return out;
    auto store = open_attachment_store(to, options);
    RawManifest image = store->manifest(digest);
    Descriptor subject_descriptor = descriptor_of(image.media_type, image.bytes);
    for (size_t i = 0; i < request.sboms.size(); ++i) {
      Artifact a = sbom_artifact(request.sboms[i], documents[i], subject);
      out.sboms.emplace_back(request.sboms[i], attach_artifact(*store, subject_descriptor, a));
    }
    if (request.key) {
      what = "signature";
      out.signature = sign_image(*store, *request.key, request.identity->str(), digest);
    }
  } catch (const Error& e) {
    fail("the image was written ({}), but its {} was not: {}", digest.str(), what, e.what());
  }
  return out;
}

Json attached_json(const Attached& attached) {
  Json j = Json::object();
  if (attached.signature) {
    j["signature"] = {{"tag", attached.signature->tag},
                      {"manifest", attached.signature->manifest.str()},
                      {"replaced", attached.signature->replaced}};
  }
  Json sboms = Json::array();
  for (auto& [format, d] : attached.sboms)
    sboms.push_back({{"format", sbom_format_name(format)}, {"manifest", d.digest.str()}});
  if (!sboms.empty()) j["sboms"] = sboms;
  return j;
}

}  // namespace imgstrip::cli
