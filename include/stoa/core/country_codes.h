// ISO 3166-1 countries: the numeric code ERC-3643's IdentityRegistry stores and the alpha-2 code
// LP-3100's ComplianceRegistry stores (bytes2), one investor fact in two spellings (rules V5).
#pragma once

#include <cstdint>

#include "stoa/core/compliance_registry.h"

namespace stoa::core {

// The alpha-2 jurisdiction of an ISO 3166-1 numeric code; 0 when the code is not a country.
Jurisdiction jurisdiction_of_country(uint16_t numeric);
// The numeric code of an alpha-2 jurisdiction; 0 when it is not an ISO 3166-1 country.
uint16_t country_of_jurisdiction(Jurisdiction j);

}  // namespace stoa::core
