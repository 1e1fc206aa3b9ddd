#include "variant.h"

#include <cctype>
#include <cstring>

#include "errors.h"

namespace gk {

Variant Variant::make(ChromId chrom, int64_t start, std::string ref, std::string alt, RefgId refg) {
  Variant v;
  static_cast<Interval&>(v) = Interval::make(chrom, '+', start, start + static_cast<int64_t>(ref.size()), refg);
  v.ref = std::move(ref);
  v.alt = std::move(alt);
  return v;
}

bool Variant::same_variant(const Variant& o) const {
  return refg == o.refg && chrom == o.chrom && start == o.start && end == o.end && ref == o.ref && alt == o.alt;
}

std::string Variant::as_variant_string() const {
  return cat(chrom_name(), ":", start + 1, ":", ref, ":", alt);
}

void normalize_variant(const Variant& v, std::vector<Edit>& out) {
  size_t r = v.ref.size(), a = v.alt.size();
  size_t p = 0;
  while (p < r && p < a && v.ref[p] == v.alt[p]) ++p;
  int64_t pos = v.start + static_cast<int64_t>(p);
  size_t rr = r - p, aa = a - p;
  size_t common = rr < aa ? rr : aa;
  if (common > 0) out.push_back(Edit{pos, static_cast<int64_t>(common), v.alt.substr(p, common)});
  pos += static_cast<int64_t>(common);
  if (aa > rr) out.push_back(Edit{pos, 0, v.alt.substr(p + common)});
  if (rr > aa) out.push_back(Edit{pos, static_cast<int64_t>(rr - aa), std::string()});
}

std::string normalize_allele(const std::string& allele) {
  if (allele == "-" || allele == "." || allele == "-.") return std::string();
  std::string s = allele;
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool allele_uses(const std::string& allele, const char* alphabet) {
  for (char c : allele)
    if (c == '\0' || !std::strchr(alphabet, c)) return false;
  return true;
}

namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

int64_t parse_position(const std::string& field, const std::string& text) {
  std::string digits;
  for (char c : field)
    if (c != ',') digits += c;
  digits = trim(digits);
  size_t i = 0;
  if (i < digits.size() && (digits[i] == '+' || digits[i] == '-')) ++i;
  if (i == digits.size()) value_error("Invalid position in variant: ", text);
  for (size_t k = i; k < digits.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(digits[k]))) value_error("Invalid position in variant: ", text);
  if (digits.size() - i > 15) value_error("Invalid position in variant: ", text, " (out of range)");
  return std::stoll(digits);
}

}  // namespace

Variant parse_variant_string(const std::string& text, RefgId refg) {
  std::vector<std::string> fields;
  size_t b = 0;
  for (;;) {
    size_t c = text.find(':', b);
    fields.push_back(text.substr(b, c == std::string::npos ? std::string::npos : c - b));
    if (c == std::string::npos) break;
    b = c + 1;
  }
  if (fields.size() != 4) value_error("Variant must have exactly four components: ", text);
  int64_t pos = parse_position(fields[1], text) - 1;
  const Assembly& asm_ = assembly(refg);
  const std::string& name = fields[0];
  ChromId chrom = -1;
  if (name.compare(0, 3, "chr") != 0) {
    ChromId prefixed = asm_.find("chr" + name);
    if (prefixed >= 0 && static_cast<size_t>(prefixed) < asm_.num_sized() && asm_.chrom_name(prefixed) == "chr" + name)
      chrom = prefixed;
  }
  if (chrom < 0) chrom = asm_.resolve(name);
  std::string ref = normalize_allele(fields[2]), alt = normalize_allele(fields[3]);
  for (const std::string* a : {&ref, &alt})
    if (!allele_uses(*a, kIupacAlleles))
      value_error("Variant string was invalid: ", text, ": allele '", *a, "' has letters outside ", kIupacAlleles);
  return Variant::make(chrom, pos, std::move(ref), std::move(alt), refg);
}

void check_variant_bounds(const Variant& v, int64_t chrom_size, const std::string& text) {
  if (v.start < 0 || v.end > chrom_size)
    index_error("Variant string was invalid: ", text, ": position ", v.start + 1, " is outside ", v.chrom_name(),
                " (positions 1 to ", chrom_size, ")");
}

void check_variant_reference(const Variant& v, const std::string& found, const std::string& text) {
  if (found != v.ref)
    value_error("Variant string was invalid: ", text, ": reference allele '", v.ref, "' does not match the genome, ",
                "which has '", found, "' at ", v.chrom_name(), ":", v.start + 1, "-", v.end);
}

}  // namespace gk
