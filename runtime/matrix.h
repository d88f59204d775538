// A job's matrix: the legs GitHub runs for a `strategy.matrix` value.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/expr/value.h"

namespace galley::run {

// One combination: matrix keys in order, with their values.
struct MatrixLeg {
  std::vector<std::pair<std::string, expr::Value>> values;
};

// GitHub's most legs per matrix.
inline constexpr size_t kMaxMatrixLegs = 256;

// Expands an evaluated matrix (an object) as GitHub does: the product of
// its vectors in key order, less each `exclude` entry that matches, then
// each `include` entry added to every leg whose original values it does not
// change, or as a leg of its own when it fits none. Returns false with *err
// for a matrix that is not an object, a vector that is empty or not an
// array, or more than kMaxMatrixLegs legs.
bool expandMatrix(const expr::Value& matrix, std::vector<MatrixLeg>* legs, std::string* err);

// The matrix context object of a leg.
expr::Value matrixContext(const MatrixLeg& leg);

// "build (3.11, ubuntu-latest)": the job's name followed by the leg's values.
std::string legName(const std::string& job, const MatrixLeg& leg);

// Whether leg matches every `key=value` filter whose key it has (--matrix).
bool legSelected(const MatrixLeg& leg, const std::vector<std::pair<std::string, std::string>>& filters);

}  // namespace galley::run
