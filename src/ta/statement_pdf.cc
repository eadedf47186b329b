// The year-end statement as PDF (include/stoa/ta/statements.h), drawn with libharu (Debian
// libhpdf-dev): US Letter pages, Helvetica in WinAnsi encoding (characters outside Latin-1
// print as '?'), a new page when one is full, the 1099-DIV boxes drawn as ruled boxes.
#include <hpdf.h>

#include <ctime>
#include <stdexcept>

#include "stoa/ta/statements.h"

namespace stoa::ta {
namespace {

constexpr double kLeft = 54, kTop = 740, kBottom = 60, kWidth = 504;

void on_error(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
  auto* first = static_cast<HPDF_STATUS*>(user);
  if (*first == 0) *first = error != 0 ? error : detail;
}

// UTF-8 to Latin-1 (WinAnsi agrees outside 0x80-0x9f); other characters become '?'.
std::string latin1(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += (c < 0x20 ? ' ' : static_cast<char>(c));
    } else if ((c & 0xe0) == 0xc0 && i + 1 < s.size()) {
      const unsigned cp = ((c & 0x1fU) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3fU);
      out += cp >= 0xa0 && cp < 0x100 ? static_cast<char>(cp) : '?';
      ++i;
    } else {
      while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xc0) == 0x80)
        ++i;
      out += '?';
    }
  }
  return out;
}

std::string utc_date(uint64_t t) {
  const auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

class PdfWriter {
 public:
  PdfWriter() : doc_(HPDF_New(on_error, &error_)) {
    if (doc_ == nullptr) throw std::runtime_error("libharu: cannot create a document");
    HPDF_SetCompressionMode(doc_, HPDF_COMP_ALL);
    regular_ = HPDF_GetFont(doc_, "Helvetica", "WinAnsiEncoding");
    bold_ = HPDF_GetFont(doc_, "Helvetica-Bold", "WinAnsiEncoding");
    new_page();
  }
  ~PdfWriter() { HPDF_Free(doc_); }
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  void line(const std::string& text, double size = 9, bool bold = false, double indent = 0) {
    room(size + 4);
    put(kLeft + indent, y_ - size, text, size, bold);
    y_ -= size + 4;
  }
  void gap(double h) { y_ -= h; }
  // A ruled box with a small label and a value (the tax form's boxes).
  void box(double x, double w, double h, const std::string& label, const std::string& value) {
    HPDF_Page_SetLineWidth(page_, 0.8);
    HPDF_Page_Rectangle(page_, x, y_ - h, w, h);
    HPDF_Page_Stroke(page_);
    put(x + 4, y_ - 10, label, 7, false);
    put(x + 4, y_ - h + 6, value, 11, true);
  }
  void room(double h) {
    if (y_ - h < kBottom) new_page();
  }
  double y() const { return y_; }
  Bytes save() {
    HPDF_SaveToStream(doc_);
    HPDF_UINT32 size = HPDF_GetStreamSize(doc_);
    Bytes out(size);
    HPDF_ReadFromStream(doc_, out.data(), &size);
    out.resize(size);
    if (error_ != 0) throw std::runtime_error("libharu error " + std::to_string(error_));
    return out;
  }

 private:
  void new_page() {
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
    y_ = kTop;
  }
  void put(double x, double y, const std::string& text, double size, bool bold) {
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, bold ? bold_ : regular_, static_cast<HPDF_REAL>(size));
    HPDF_Page_TextOut(page_, static_cast<HPDF_REAL>(x), static_cast<HPDF_REAL>(y),
                      latin1(text).c_str());
    HPDF_Page_EndText(page_);
  }
  HPDF_STATUS error_ = 0;
  HPDF_Doc doc_;
  HPDF_Page page_ = nullptr;
  HPDF_Font regular_ = nullptr, bold_ = nullptr;
  double y_ = kTop;
};

void holder_part(PdfWriter& w, const HolderStatement& s) {
  w.line("Year-end holder statement " + std::to_string(s.year), 16, true);
  w.line("From the transfer agent's register at block " + std::to_string(s.as_of_block) + " " +
             s.as_of_block_hash,
         7);
  w.gap(8);
  w.line(s.legal_name + " (" + s.kind + ", stakeholder " + std::to_string(s.stakeholder_id) + ")",
         11, true);
  for (const std::string& a : s.postal_addresses)
    w.line(a, 9);
  w.line("Tax id (" + (s.tax_id_type.empty() ? std::string("none") : s.tax_id_type) +
             "): " + s.tax_id_masked + "    Tax residency: " + s.tax_residency,
         9);
  for (const std::string& wallet : s.wallets)
    w.line("Wallet " + wallet, 8);
}

void holdings_part(PdfWriter& w, const HolderStatement& s) {
  w.gap(8);
  w.line("Holdings", 12, true);
  if (s.holdings.empty()) w.line("No holdings and no movements in " + std::to_string(s.year) + ".");
  for (const StatementHolding& h : s.holdings) {
    const int d = static_cast<int>(h.decimals);
    w.gap(4);
    w.line(h.name + " (" + h.symbol + ")  " + h.token, 10, true);
    w.line("Balance on 1 January: " + format_units(h.opening, d) +
               "    Balance on 31 December: " + format_units(h.closing, d),
           9, false, 10);
    for (const JournalEntry& e : h.movements) {
      w.line(utc_date(e.timestamp) + "  " + e.kind + "  " + format_units(e.amount, d) + "  from " +
                 e.from.substr(0, 10) + "...  to " + e.to.substr(0, 10) + "...  block " +
                 std::to_string(e.block),
             8, false, 20);
    }
  }
}

void form_part(PdfWriter& w, const HolderStatement& s) {
  w.gap(12);
  w.room(140);
  w.line("Form 1099-DIV information (" + std::to_string(s.year) + ")", 12, true);
  for (const DividendPayment& p : s.dividends) {
    w.line(p.paid_on + "  " + p.security.substr(0, 10) + "...  gross " +
               format_units(p.gross, p.decimals) + " " + p.currency,
           8, false, 10);
  }
  w.gap(4);
  const Form1099Div& f = s.form_1099_div;
  const double bw = kWidth / 2;
  w.box(kLeft, bw, 34, "1a Total ordinary dividends", "$" + format_cents(f.box_1a));
  w.box(kLeft + bw, bw, 34, "1b Qualified dividends", "$" + format_cents(f.box_1b));
  w.gap(34);
  w.box(kLeft, bw, 34, "4 Federal income tax withheld", "$" + format_cents(f.box_4));
  w.box(kLeft + bw, bw, 34, "7 Foreign tax paid", "$" + format_cents(f.box_7));
  w.gap(40);
  w.line(f.required ? "A Form 1099-DIV is required (box 1a at least $10.00, or tax withheld)."
                    : "No Form 1099-DIV is required (box 1a under $10.00 and no tax withheld).",
         9);
}

}  // namespace

Bytes statement_pdf(const HolderStatement& s) {
  PdfWriter w;
  holder_part(w, s);
  holdings_part(w, s);
  form_part(w, s);
  return w.save();
}

}  // namespace stoa::ta
