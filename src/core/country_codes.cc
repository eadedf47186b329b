// The table is ISO 3166-1 as Debian's iso-codes package lists it (249 countries), ascending by
// numeric code.
#include "stoa/core/country_codes.h"

#include <algorithm>
#include <array>
#include <utility>

namespace stoa::core {
namespace {
constexpr std::array<std::pair<uint16_t, Jurisdiction>, 249> kCountries = {{
    {4, jurisdiction('A', 'F')},   {8, jurisdiction('A', 'L')},   {10, jurisdiction('A', 'Q')},
    {12, jurisdiction('D', 'Z')},  {16, jurisdiction('A', 'S')},  {20, jurisdiction('A', 'D')},
    {24, jurisdiction('A', 'O')},  {28, jurisdiction('A', 'G')},  {31, jurisdiction('A', 'Z')},
    {32, jurisdiction('A', 'R')},  {36, jurisdiction('A', 'U')},  {40, jurisdiction('A', 'T')},
    {44, jurisdiction('B', 'S')},  {48, jurisdiction('B', 'H')},  {50, jurisdiction('B', 'D')},
    {51, jurisdiction('A', 'M')},  {52, jurisdiction('B', 'B')},  {56, jurisdiction('B', 'E')},
    {60, jurisdiction('B', 'M')},  {64, jurisdiction('B', 'T')},  {68, jurisdiction('B', 'O')},
    {70, jurisdiction('B', 'A')},  {72, jurisdiction('B', 'W')},  {74, jurisdiction('B', 'V')},
    {76, jurisdiction('B', 'R')},  {84, jurisdiction('B', 'Z')},  {86, jurisdiction('I', 'O')},
    {90, jurisdiction('S', 'B')},  {92, jurisdiction('V', 'G')},  {96, jurisdiction('B', 'N')},
    {100, jurisdiction('B', 'G')}, {104, jurisdiction('M', 'M')}, {108, jurisdiction('B', 'I')},
    {112, jurisdiction('B', 'Y')}, {116, jurisdiction('K', 'H')}, {120, jurisdiction('C', 'M')},
    {124, jurisdiction('C', 'A')}, {132, jurisdiction('C', 'V')}, {136, jurisdiction('K', 'Y')},
    {140, jurisdiction('C', 'F')}, {144, jurisdiction('L', 'K')}, {148, jurisdiction('T', 'D')},
    {152, jurisdiction('C', 'L')}, {156, jurisdiction('C', 'N')}, {158, jurisdiction('T', 'W')},
    {162, jurisdiction('C', 'X')}, {166, jurisdiction('C', 'C')}, {170, jurisdiction('C', 'O')},
    {174, jurisdiction('K', 'M')}, {175, jurisdiction('Y', 'T')}, {178, jurisdiction('C', 'G')},
    {180, jurisdiction('C', 'D')}, {184, jurisdiction('C', 'K')}, {188, jurisdiction('C', 'R')},
    {191, jurisdiction('H', 'R')}, {192, jurisdiction('C', 'U')}, {196, jurisdiction('C', 'Y')},
    {203, jurisdiction('C', 'Z')}, {204, jurisdiction('B', 'J')}, {208, jurisdiction('D', 'K')},
    {212, jurisdiction('D', 'M')}, {214, jurisdiction('D', 'O')}, {218, jurisdiction('E', 'C')},
    {222, jurisdiction('S', 'V')}, {226, jurisdiction('G', 'Q')}, {231, jurisdiction('E', 'T')},
    {232, jurisdiction('E', 'R')}, {233, jurisdiction('E', 'E')}, {234, jurisdiction('F', 'O')},
    {238, jurisdiction('F', 'K')}, {239, jurisdiction('G', 'S')}, {242, jurisdiction('F', 'J')},
    {246, jurisdiction('F', 'I')}, {248, jurisdiction('A', 'X')}, {250, jurisdiction('F', 'R')},
    {254, jurisdiction('G', 'F')}, {258, jurisdiction('P', 'F')}, {260, jurisdiction('T', 'F')},
    {262, jurisdiction('D', 'J')}, {266, jurisdiction('G', 'A')}, {268, jurisdiction('G', 'E')},
    {270, jurisdiction('G', 'M')}, {275, jurisdiction('P', 'S')}, {276, jurisdiction('D', 'E')},
    {288, jurisdiction('G', 'H')}, {292, jurisdiction('G', 'I')}, {296, jurisdiction('K', 'I')},
    {300, jurisdiction('G', 'R')}, {304, jurisdiction('G', 'L')}, {308, jurisdiction('G', 'D')},
    {312, jurisdiction('G', 'P')}, {316, jurisdiction('G', 'U')}, {320, jurisdiction('G', 'T')},
    {324, jurisdiction('G', 'N')}, {328, jurisdiction('G', 'Y')}, {332, jurisdiction('H', 'T')},
    {334, jurisdiction('H', 'M')}, {336, jurisdiction('V', 'A')}, {340, jurisdiction('H', 'N')},
    {344, jurisdiction('H', 'K')}, {348, jurisdiction('H', 'U')}, {352, jurisdiction('I', 'S')},
    {356, jurisdiction('I', 'N')}, {360, jurisdiction('I', 'D')}, {364, jurisdiction('I', 'R')},
    {368, jurisdiction('I', 'Q')}, {372, jurisdiction('I', 'E')}, {376, jurisdiction('I', 'L')},
    {380, jurisdiction('I', 'T')}, {384, jurisdiction('C', 'I')}, {388, jurisdiction('J', 'M')},
    {392, jurisdiction('J', 'P')}, {398, jurisdiction('K', 'Z')}, {400, jurisdiction('J', 'O')},
    {404, jurisdiction('K', 'E')}, {408, jurisdiction('K', 'P')}, {410, jurisdiction('K', 'R')},
    {414, jurisdiction('K', 'W')}, {417, jurisdiction('K', 'G')}, {418, jurisdiction('L', 'A')},
    {422, jurisdiction('L', 'B')}, {426, jurisdiction('L', 'S')}, {428, jurisdiction('L', 'V')},
    {430, jurisdiction('L', 'R')}, {434, jurisdiction('L', 'Y')}, {438, jurisdiction('L', 'I')},
    {440, jurisdiction('L', 'T')}, {442, jurisdiction('L', 'U')}, {446, jurisdiction('M', 'O')},
    {450, jurisdiction('M', 'G')}, {454, jurisdiction('M', 'W')}, {458, jurisdiction('M', 'Y')},
    {462, jurisdiction('M', 'V')}, {466, jurisdiction('M', 'L')}, {470, jurisdiction('M', 'T')},
    {474, jurisdiction('M', 'Q')}, {478, jurisdiction('M', 'R')}, {480, jurisdiction('M', 'U')},
    {484, jurisdiction('M', 'X')}, {492, jurisdiction('M', 'C')}, {496, jurisdiction('M', 'N')},
    {498, jurisdiction('M', 'D')}, {499, jurisdiction('M', 'E')}, {500, jurisdiction('M', 'S')},
    {504, jurisdiction('M', 'A')}, {508, jurisdiction('M', 'Z')}, {512, jurisdiction('O', 'M')},
    {516, jurisdiction('N', 'A')}, {520, jurisdiction('N', 'R')}, {524, jurisdiction('N', 'P')},
    {528, jurisdiction('N', 'L')}, {531, jurisdiction('C', 'W')}, {533, jurisdiction('A', 'W')},
    {534, jurisdiction('S', 'X')}, {535, jurisdiction('B', 'Q')}, {540, jurisdiction('N', 'C')},
    {548, jurisdiction('V', 'U')}, {554, jurisdiction('N', 'Z')}, {558, jurisdiction('N', 'I')},
    {562, jurisdiction('N', 'E')}, {566, jurisdiction('N', 'G')}, {570, jurisdiction('N', 'U')},
    {574, jurisdiction('N', 'F')}, {578, jurisdiction('N', 'O')}, {580, jurisdiction('M', 'P')},
    {581, jurisdiction('U', 'M')}, {583, jurisdiction('F', 'M')}, {584, jurisdiction('M', 'H')},
    {585, jurisdiction('P', 'W')}, {586, jurisdiction('P', 'K')}, {591, jurisdiction('P', 'A')},
    {598, jurisdiction('P', 'G')}, {600, jurisdiction('P', 'Y')}, {604, jurisdiction('P', 'E')},
    {608, jurisdiction('P', 'H')}, {612, jurisdiction('P', 'N')}, {616, jurisdiction('P', 'L')},
    {620, jurisdiction('P', 'T')}, {624, jurisdiction('G', 'W')}, {626, jurisdiction('T', 'L')},
    {630, jurisdiction('P', 'R')}, {634, jurisdiction('Q', 'A')}, {638, jurisdiction('R', 'E')},
    {642, jurisdiction('R', 'O')}, {643, jurisdiction('R', 'U')}, {646, jurisdiction('R', 'W')},
    {652, jurisdiction('B', 'L')}, {654, jurisdiction('S', 'H')}, {659, jurisdiction('K', 'N')},
    {660, jurisdiction('A', 'I')}, {662, jurisdiction('L', 'C')}, {663, jurisdiction('M', 'F')},
    {666, jurisdiction('P', 'M')}, {670, jurisdiction('V', 'C')}, {674, jurisdiction('S', 'M')},
    {678, jurisdiction('S', 'T')}, {682, jurisdiction('S', 'A')}, {686, jurisdiction('S', 'N')},
    {688, jurisdiction('R', 'S')}, {690, jurisdiction('S', 'C')}, {694, jurisdiction('S', 'L')},
    {702, jurisdiction('S', 'G')}, {703, jurisdiction('S', 'K')}, {704, jurisdiction('V', 'N')},
    {705, jurisdiction('S', 'I')}, {706, jurisdiction('S', 'O')}, {710, jurisdiction('Z', 'A')},
    {716, jurisdiction('Z', 'W')}, {724, jurisdiction('E', 'S')}, {728, jurisdiction('S', 'S')},
    {729, jurisdiction('S', 'D')}, {732, jurisdiction('E', 'H')}, {740, jurisdiction('S', 'R')},
    {744, jurisdiction('S', 'J')}, {748, jurisdiction('S', 'Z')}, {752, jurisdiction('S', 'E')},
    {756, jurisdiction('C', 'H')}, {760, jurisdiction('S', 'Y')}, {762, jurisdiction('T', 'J')},
    {764, jurisdiction('T', 'H')}, {768, jurisdiction('T', 'G')}, {772, jurisdiction('T', 'K')},
    {776, jurisdiction('T', 'O')}, {780, jurisdiction('T', 'T')}, {784, jurisdiction('A', 'E')},
    {788, jurisdiction('T', 'N')}, {792, jurisdiction('T', 'R')}, {795, jurisdiction('T', 'M')},
    {796, jurisdiction('T', 'C')}, {798, jurisdiction('T', 'V')}, {800, jurisdiction('U', 'G')},
    {804, jurisdiction('U', 'A')}, {807, jurisdiction('M', 'K')}, {818, jurisdiction('E', 'G')},
    {826, jurisdiction('G', 'B')}, {831, jurisdiction('G', 'G')}, {832, jurisdiction('J', 'E')},
    {833, jurisdiction('I', 'M')}, {834, jurisdiction('T', 'Z')}, {840, jurisdiction('U', 'S')},
    {850, jurisdiction('V', 'I')}, {854, jurisdiction('B', 'F')}, {858, jurisdiction('U', 'Y')},
    {860, jurisdiction('U', 'Z')}, {862, jurisdiction('V', 'E')}, {876, jurisdiction('W', 'F')},
    {882, jurisdiction('W', 'S')}, {887, jurisdiction('Y', 'E')}, {894, jurisdiction('Z', 'M')},
}};
}  // namespace

Jurisdiction jurisdiction_of_country(uint16_t numeric) {
  const auto* it = std::lower_bound(
      kCountries.begin(), kCountries.end(), numeric,
      [](const std::pair<uint16_t, Jurisdiction>& e, uint16_t n) { return e.first < n; });
  return it != kCountries.end() && it->first == numeric ? it->second : Jurisdiction{0};
}

uint16_t country_of_jurisdiction(Jurisdiction j) {
  if (j == 0) return 0;
  for (const auto& [numeric, alpha2] : kCountries) {
    if (alpha2 == j) return numeric;
  }
  return 0;
}

}  // namespace stoa::core
