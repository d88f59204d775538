#include "compiler/ascii.h"

namespace galley {

size_t CaselessIndex::add(std::string_view name, size_t i) {
  if (size_t found = find(name); found != npos) return found;
  if (many_.empty() && fewCount_ < kScanLimit) {
    few_[fewCount_++] = {name, i};
    return i;
  }
  if (many_.empty())
    for (size_t k = 0; k < fewCount_; ++k)
      many_.emplace(lowerCase(few_[k].first), few_[k].second);
  many_.emplace(lowerCase(name), i);
  return i;
}

size_t CaselessIndex::find(std::string_view name) const {
  if (many_.empty()) {
    for (size_t k = 0; k < fewCount_; ++k)
      if (equalsIgnoreCase(few_[k].first, name)) return few_[k].second;
    return npos;
  }
  auto it = many_.find(lowerCase(name));
  return it == many_.end() ? npos : it->second;
}

}  // namespace galley
