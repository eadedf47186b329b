// Roles (OpenZeppelin's AccessControl semantics: bytes32 role = keccak256(name), admin role per
// role, DEFAULT_ADMIN_ROLE = 0) restricted to the role matrix of LP-3100, with the role-separation
// policy enforced: one account may not hold both MINTER_ROLE and COMPLIANCE_ROLE unless the
// deployment allows it (GenesisConfig::allow_role_overlap).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "stoa/core/contract.h"
#include "stoa/core/fields.h"

namespace stoa::core {

struct RoleInfo {
  std::string_view name;  // e.g. "MINTER_ROLE"
  Bytes32 id;
  std::string_view purpose;
};

namespace roles {
const Bytes32& default_admin();
const Bytes32& minter();
const Bytes32& pauser();
const Bytes32& compliance();
const Bytes32& bridge();
const Bytes32& dividend_admin();
const Bytes32& corporate_action();
const Bytes32& document_admin();
const Bytes32& restriction_admin();
const Bytes32& deployer();
std::span<const RoleInfo> all();
const RoleInfo* find(const Bytes32& id);
const RoleInfo* find_by_name(std::string_view name);
}  // namespace roles

class AccessControl {
 public:
  // Its two containers take slots `base` and `base` + 1 of the contract that holds it.
  AccessControl(UndoLog* j, Slot base, bool allow_role_overlap)
      : members_(j, base), admins_(j, base + 1), allow_overlap_(allow_role_overlap) {}

  bool has_role(const Bytes32& role, const Address& account) const {
    return members_.get(Key{role, account});
  }
  Bytes32 role_admin(const Bytes32& role) const { return admins_.get(role); }
  bool allow_role_overlap() const { return allow_overlap_; }

  // AccessControlUnauthorizedAccount unless `account` holds `role`.
  Status require(const Bytes32& role, const Address& account) const;
  // grantRole/revokeRole/renounceRole with their checks; events are emitted by `emitter`.
  Status grant(CallContext& ctx, const Contract& emitter, const Bytes32& role,
               const Address& account);
  Status revoke(CallContext& ctx, const Contract& emitter, const Bytes32& role,
                const Address& account);
  Status renounce(CallContext& ctx, const Contract& emitter, const Bytes32& role,
                  const Address& confirmation);
  // Grants without the caller check (genesis and factory set-up), with the separation check.
  Status grant_initial(CallContext* ctx, const Contract& emitter, const Bytes32& role,
                       const Address& account);
  // Number of accounts holding a role (for views and tests).
  size_t member_count(const Bytes32& role) const;
  // The accounts holding a role, ascending (getRoleMember's order).
  std::vector<Address> members(const Bytes32& role) const;

  // The field list (fields.h): role members as a key set, then each role's admin role.
  static const auto& field_list() {
    static constexpr auto kFields = std::make_tuple(key_set(&AccessControl::members_, "members"),
                                                    field(&AccessControl::admins_, "admins"));
    return kFields;
  }

 private:
  struct Key {
    Bytes32 role;
    Address account;
    auto operator<=>(const Key&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.role.b, k.account.b);
    }
    friend void delta_put(StateEncoder& e, const Key& k) {
      e.b32(k.role);
      e.address(k.account);
    }
    friend void state_get(StateDecoder& d, Key& k) {
      k.role = d.b32();
      k.account = d.address();
    }
  };
  Status check_separation(const Bytes32& role, const Address& account) const;
  void set_member(CallContext* ctx, const Contract& emitter, const Bytes32& role,
                  const Address& account, bool value, const Address& sender);

  JMap<Key, bool> members_;
  JMap<Bytes32, Bytes32, Bytes32Hash> admins_;
  bool allow_overlap_;
};

// The AccessControl functions, events and role constants every guarded contract exposes.
std::vector<MethodSpec> access_control_methods();
std::vector<EventSpec> access_control_events();
std::vector<ErrorId> access_control_errors();

// From rules version 5 (rules::trex_parity; ContractAbi::extend): AccessControlEnumerable's
// getRoleMember/getRoleMemberCount, and Ownable mapped onto DEFAULT_ADMIN_ROLE: owner() is the
// lowest-addressed holder of DEFAULT_ADMIN_ROLE; transferOwnership grants it to the new owner
// and revokes the caller's; renounceOwnership revokes the caller's. On a security's part the
// roles are its token's (Contract::roles_contract).
std::vector<MethodSpec> role_enumeration_methods();
std::vector<MethodSpec> ownable_methods();
std::vector<EventSpec> ownable_events();

}  // namespace stoa::core
