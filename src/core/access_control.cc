#include "stoa/core/access_control.h"

#include <array>

#include "stoa/core/abi_registry.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace roles {
namespace {
Bytes32 id_of(std::string_view name) {
  return name == "DEFAULT_ADMIN_ROLE" ? Bytes32{} : keccak256(name);
}
struct Table {
  std::array<RoleInfo, 10> roles;
  Table() {
    const std::array<std::pair<std::string_view, std::string_view>, 10> names = {{
        {"DEFAULT_ADMIN_ROLE", "Issuer multisig: grant and revoke all roles, structural settings"},
        {"MINTER_ROLE", "Issuer: mint (issue) and burn (redeem) the security"},
        {"PAUSER_ROLE", "Issuer and compliance officer: emergency pause of transfers"},
        {"COMPLIANCE_ROLE", "Compliance service: KYC whitelist, sanctions, lockups, jurisdictions"},
        {"BRIDGE_ROLE", "MPC multisig: cross-chain operations"},
        {"DIVIDEND_ADMIN_ROLE", "Issuer: create and reclaim dividend rounds"},
        {"CORPORATE_ACTION_ROLE",
         "Issuer and legal: forced transfers, seizure, recovery, ERC-1644 controller, "
         "redemptions, distributions in kind, conversions"},
        {"DOCUMENT_ADMIN_ROLE", "Issuer and legal: offering documents"},
        {"RESTRICTION_ADMIN_ROLE", "Issuer: holder and amount caps of TransferRestriction"},
        {"DEPLOYER_ROLE", "Operator: create securities through the factory"},
    }};
    for (size_t i = 0; i < names.size(); ++i) {
      roles[i] = RoleInfo{names[i].first, id_of(names[i].first), names[i].second};
    }
  }
};
const Table& table() {
  static const Table t;
  return t;
}
}  // namespace

const Bytes32& default_admin() {
  return table().roles[0].id;
}
const Bytes32& minter() {
  return table().roles[1].id;
}
const Bytes32& pauser() {
  return table().roles[2].id;
}
const Bytes32& compliance() {
  return table().roles[3].id;
}
const Bytes32& bridge() {
  return table().roles[4].id;
}
const Bytes32& dividend_admin() {
  return table().roles[5].id;
}
const Bytes32& corporate_action() {
  return table().roles[6].id;
}
const Bytes32& document_admin() {
  return table().roles[7].id;
}
const Bytes32& restriction_admin() {
  return table().roles[8].id;
}
const Bytes32& deployer() {
  return table().roles[9].id;
}
std::span<const RoleInfo> all() {
  return table().roles;
}
const RoleInfo* find(const Bytes32& id) {
  for (const RoleInfo& r : table().roles) {
    if (r.id == id) return &r;
  }
  return nullptr;
}
const RoleInfo* find_by_name(std::string_view name) {
  for (const RoleInfo& r : table().roles) {
    if (r.name == name) return &r;
  }
  return nullptr;
}
}  // namespace roles

Status AccessControl::require(const Bytes32& role, const Address& account) const {
  if (has_role(role, account)) return Status::Ok();
  return make_revert(ErrorId::kAccessControlUnauthorizedAccount,
                     {account, abi::Value::bytes32(role)});
}

Status AccessControl::check_separation(const Bytes32& role, const Address& account) const {
  if (allow_overlap_) return Status::Ok();
  const Bytes32* other = nullptr;
  if (role == roles::minter()) other = &roles::compliance();
  if (role == roles::compliance()) other = &roles::minter();
  if (other != nullptr && has_role(*other, account)) {
    return make_revert(ErrorId::kRoleSeparationViolation,
                       {account, abi::Value::bytes32(*other), abi::Value::bytes32(role)});
  }
  return Status::Ok();
}

void AccessControl::set_member(CallContext* ctx, const Contract& emitter, const Bytes32& role,
                               const Address& account, bool value, const Address& sender) {
  if (has_role(role, account) == value) return;  // no event, as OpenZeppelin
  members_.set(Key{role, account}, value);
  if (ctx != nullptr) {
    emitter.emit(*ctx, value ? "RoleGranted" : "RoleRevoked",
                 {abi::Value::bytes32(role), account, sender});
  }
}

Status AccessControl::grant(CallContext& ctx, const Contract& emitter, const Bytes32& role,
                            const Address& account) {
  STOA_TRY(require(role_admin(role), ctx.sender));
  if (roles::find(role) == nullptr) {
    return make_revert(ErrorId::kUnknownRole, {abi::Value::bytes32(role)});
  }
  if (account.is_zero()) return make_revert(ErrorId::kZeroAddress);
  STOA_TRY(check_separation(role, account));
  set_member(&ctx, emitter, role, account, true, ctx.sender);
  return Status::Ok();
}

Status AccessControl::revoke(CallContext& ctx, const Contract& emitter, const Bytes32& role,
                             const Address& account) {
  STOA_TRY(require(role_admin(role), ctx.sender));
  if (roles::find(role) == nullptr) {
    return make_revert(ErrorId::kUnknownRole, {abi::Value::bytes32(role)});
  }
  set_member(&ctx, emitter, role, account, false, ctx.sender);
  return Status::Ok();
}

Status AccessControl::renounce(CallContext& ctx, const Contract& emitter, const Bytes32& role,
                               const Address& confirmation) {
  if (confirmation != ctx.sender) return make_revert(ErrorId::kAccessControlBadConfirmation);
  if (roles::find(role) == nullptr) {
    return make_revert(ErrorId::kUnknownRole, {abi::Value::bytes32(role)});
  }
  set_member(&ctx, emitter, role, ctx.sender, false, ctx.sender);
  return Status::Ok();
}

Status AccessControl::grant_initial(CallContext* ctx, const Contract& emitter, const Bytes32& role,
                                    const Address& account) {
  STOA_ASSERT(roles::find(role) != nullptr);
  if (account.is_zero()) return make_revert(ErrorId::kZeroAddress);
  STOA_TRY(check_separation(role, account));
  set_member(ctx, emitter, role, account, true, ctx ? ctx->sender : Address{});
  return Status::Ok();
}

size_t AccessControl::member_count(const Bytes32& role) const {
  size_t n = 0;
  for (const Key& k : members_.sorted_keys()) {
    if (k.role == role) ++n;
  }
  return n;
}

std::vector<Address> AccessControl::members(const Bytes32& role) const {
  std::vector<Address> out;
  for (const Key& k : members_.sorted_keys()) {
    if (k.role == role) out.push_back(k.account);
  }
  return out;
}

namespace {
AccessControl& ac(Contract& c) {
  AccessControl* a = c.access_control();
  STOA_ASSERT(a != nullptr);
  return *a;
}

template <size_t I>
Result<Outputs> role_constant(Contract&, CallContext&, const abi::ValueList&) {
  return Outputs{abi::Value::bytes32(roles::all()[I].id)};
}

template <size_t... I>
void add_role_constants(std::vector<MethodSpec>& out, std::index_sequence<I...>) {
  (out.push_back(MethodSpec{roles::all()[I].name,
                            {},
                            {{"", "bytes32"}},
                            Mutability::kView,
                            &role_constant<I>,
                            roles::all()[I].purpose}),
   ...);
}
}  // namespace

std::vector<MethodSpec> access_control_methods() {
  AbiRegistry<Contract> reg;
  reg.view("hasRole", {"role", "account"}, "Whether `account` holds `role`.",
           [](Contract& c, const Bytes32& role, const Address& account) {
             return ac(c).has_role(role, account);
           });
  reg.view("getRoleAdmin", {"role"},
           "The role that administers `role` (DEFAULT_ADMIN_ROLE for every role here).",
           [](Contract& c, const Bytes32& role) { return ac(c).role_admin(role); });
  reg.call("grantRole", {"role", "account"},
           "Grants a role of the role matrix; refuses unknown roles and MINTER+COMPLIANCE overlap.",
           [](Contract& c, CallContext& ctx, const Bytes32& role, const Address& account) {
             return ac(c).grant(ctx, c, role, account);
           });
  reg.call("revokeRole", {"role", "account"}, "Revokes a role.",
           [](Contract& c, CallContext& ctx, const Bytes32& role, const Address& account) {
             return ac(c).revoke(ctx, c, role, account);
           });
  reg.call("renounceRole", {"role", "callerConfirmation"}, "The caller gives up one of its roles.",
           [](Contract& c, CallContext& ctx, const Bytes32& role, const Address& confirmation) {
             return ac(c).renounce(ctx, c, role, confirmation);
           });
  std::vector<MethodSpec> m = reg.take();
  add_role_constants(m, std::make_index_sequence<10>{});
  return m;
}

std::vector<MethodSpec> role_enumeration_methods() {
  AbiRegistry<Contract> reg;
  reg.view("getRoleMember", {"role", "index"},
           "AccessControlEnumerable: the holder of `role` at `index`, holders ascending by "
           "address; reverts past the end.",
           [](Contract& c, const Bytes32& role, const U256& index) -> Result<Address> {
             const std::vector<Address> m = ac(c).members(role);
             if (!index.fits_u64() || index.low64() >= m.size()) {
               return revert_message("getRoleMember: index out of bounds");
             }
             return m[index.low64()];
           });
  reg.view("getRoleMemberCount", {"role"}, "AccessControlEnumerable: holders of `role`.",
           [](Contract& c, const Bytes32& role) { return U256(ac(c).member_count(role)); });
  return reg.take();
}

std::vector<MethodSpec> ownable_methods() {
  AbiRegistry<Contract> reg;
  reg.view("owner", {}, "Ownable (ERC-3643): the lowest-addressed DEFAULT_ADMIN_ROLE holder.",
           [](Contract& c) -> Address {
             const std::vector<Address> m = ac(c).members(roles::default_admin());
             return m.empty() ? Address{} : m.front();
           });
  reg.call("transferOwnership", {"newOwner"},
           "Ownable, DEFAULT_ADMIN_ROLE: grants DEFAULT_ADMIN_ROLE to `newOwner` and revokes the "
           "caller's.",
           [](Contract& c, CallContext& ctx, const Address& newOwner) -> Status {
             AccessControl& a = ac(c);
             const Contract& roles_at = c.roles_contract();
             STOA_TRY(a.grant(ctx, roles_at, roles::default_admin(), newOwner));
             if (newOwner != ctx.sender) {
               STOA_TRY(a.revoke(ctx, roles_at, roles::default_admin(), ctx.sender));
             }
             c.emit(ctx, "OwnershipTransferred", {ctx.sender, newOwner});
             return Status::Ok();
           });
  reg.call("renounceOwnership", {},
           "Ownable, DEFAULT_ADMIN_ROLE: the caller gives up DEFAULT_ADMIN_ROLE.",
           [](Contract& c, CallContext& ctx) -> Status {
             AccessControl& a = ac(c);
             STOA_TRY(a.revoke(ctx, c.roles_contract(), roles::default_admin(), ctx.sender));
             c.emit(ctx, "OwnershipTransferred", {ctx.sender, Address{}});
             return Status::Ok();
           });
  return reg.take();
}

std::vector<EventSpec> ownable_events() {
  return {{"OwnershipTransferred",
           {{"previousOwner", "address", true}, {"newOwner", "address", true}},
           "Ownable: DEFAULT_ADMIN_ROLE moved by transferOwnership or renounceOwnership."}};
}

std::vector<EventSpec> access_control_events() {
  return {
      {"RoleGranted",
       {{"role", "bytes32", true}, {"account", "address", true}, {"sender", "address", true}},
       "A role was granted."},
      {"RoleRevoked",
       {{"role", "bytes32", true}, {"account", "address", true}, {"sender", "address", true}},
       "A role was revoked or renounced."},
      {"RoleAdminChanged",
       {{"role", "bytes32", true},
        {"previousAdminRole", "bytes32", true},
        {"newAdminRole", "bytes32", true}},
       "A role's admin role changed."},
  };
}

std::vector<ErrorId> access_control_errors() {
  return {ErrorId::kAccessControlUnauthorizedAccount, ErrorId::kAccessControlBadConfirmation,
          ErrorId::kUnknownRole, ErrorId::kRoleSeparationViolation, ErrorId::kZeroAddress};
}

}  // namespace stoa::core
