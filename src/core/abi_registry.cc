#include "stoa/core/abi_registry.h"

#include "stoa/common/assert.h"

namespace stoa::core {

namespace {
bool fits(const abi::Type& deduced, const abi::Type& declared) {
  using K = abi::Type::Kind;
  if (deduced.kind == K::Bytes && declared.kind == K::FixedBytes) return true;
  if (deduced.kind != declared.kind) return false;
  switch (declared.kind) {
    case K::Uint:
    case K::Int:
      return declared.bits <= deduced.bits;
    case K::Array:
      return fits(deduced.components[0], declared.components[0]);
    case K::FixedArray:
    case K::Tuple:
      if (deduced.components.size() != declared.components.size()) return false;
      for (size_t i = 0; i < declared.components.size(); ++i) {
        if (!fits(deduced.components[i], declared.components[i])) return false;
      }
      return deduced.length == declared.length;
    default:
      return deduced == declared;
  }
}
}  // namespace

bool abi_type_fits(std::string_view deduced, std::string_view declared) {
  auto want = abi::parse_type(declared);
  if (!want.has_value()) return false;
  if (deduced.empty()) return true;
  auto have = abi::parse_type(deduced);
  return have.has_value() && fits(*have, *want);
}

void AbiRegistryBase::add(std::vector<MethodSpec> specs) {
  for (MethodSpec& s : specs)
    methods_.push_back(std::move(s));
}

std::vector<MethodSpec> AbiRegistryBase::take() {
  STOA_ASSERT(error_.empty() && "a method registration is malformed (AbiRegistryBase::error)");
  return std::move(methods_);
}

std::vector<Param> AbiRegistryBase::params(std::string_view method, std::string_view what,
                                           AbiArgs names,
                                           const std::vector<std::string_view>& types) {
  std::vector<Param> out;
  if (names.size() == 0 && what == "output") {  // unnamed outputs
    for (std::string_view t : types)
      out.push_back({"", t});
  } else if (names.size() != types.size()) {
    if (error_.empty()) {
      error_ = std::string(method) + ": " + std::to_string(names.size()) + " " + std::string(what) +
               " names for " + std::to_string(types.size()) + " " + std::string(what) + "s";
    }
    return out;
  } else {
    size_t i = 0;
    for (const AbiArg& n : names) {
      out.push_back({n.name, n.type.empty() ? types[i] : n.type});
      ++i;
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (!error_.empty()) break;
    const std::string_view declared = out[i].type;
    if (declared.empty()) {
      error_ = std::string(method) + ": the ABI type of " + std::string(what) + " " +
               std::to_string(i) + " cannot be deduced; name it";
    } else if (declared != types[i] && !abi_type_fits(types[i], declared)) {
      error_ = std::string(method) + ": " + std::string(what) + " " + std::to_string(i) + " is " +
               std::string(declared) + ", which a C++ " + std::string(types[i]) + " cannot hold";
    }
  }
  return out;
}

void AbiRegistryBase::add_typed(std::string_view name, AbiArgs inputs, AbiArgs outputs,
                                Mutability mut, std::string_view doc,
                                const abi_registry::Shape& shape) {
  MethodSpec spec;
  spec.name = name;
  spec.inputs = params(name, "input", inputs, shape.inputs);
  spec.outputs = params(name, "output", outputs, shape.outputs);
  spec.mutability = mut;
  spec.fn = shape.fn;
  spec.doc = doc;
  methods_.push_back(std::move(spec));
}

}  // namespace stoa::core
