#include "runtime/matrix.h"

#include <doctest/doctest.h>

#include "runtime/evaluate.h"

namespace galley::run {

namespace {

expr::Value json(const char* text) {
  expr::Value v;
  std::string err;
  REQUIRE(expr::parseJson(text, &v, &err));
  return v;
}

std::vector<std::string> names(const char* matrix) {
  std::vector<MatrixLeg> legs;
  std::string err;
  REQUIRE_MESSAGE(expandMatrix(json(matrix), &legs, &err), err);
  std::vector<std::string> out;
  for (const auto& l : legs)
    out.push_back(legName("t", l));
  return out;
}

std::string failure(const char* matrix) {
  std::vector<MatrixLeg> legs;
  std::string err;
  CHECK_FALSE(expandMatrix(json(matrix), &legs, &err));
  return err;
}

}  // namespace

TEST_CASE("a matrix is the product of its vectors in key order") {
  CHECK(names(R"({"os": ["a", "b"], "py": [1, 2]})") ==
        std::vector<std::string>{"t (a, 1)", "t (a, 2)", "t (b, 1)", "t (b, 2)"});
}

TEST_CASE("exclude removes the legs whose values match every key it names") {
  CHECK(names(R"({"os": ["a", "b"], "py": [1, 2], "exclude": [{"os": "b", "py": 1}]})") ==
        std::vector<std::string>{"t (a, 1)", "t (a, 2)", "t (b, 2)"});
}

TEST_CASE("include extends the legs it fits and adds a leg where it fits none") {
  // GitHub's documented example: color is added to every leg, shape only
  // where animal is cat, and {fruit: banana} becomes a leg of its own since
  // it would change an original value.
  auto got = names(R"({"fruit": ["apple", "pear"], "animal": ["cat", "dog"],
    "include": [{"color": "green"}, {"color": "pink", "animal": "cat"},
                {"fruit": "apple", "shape": "circle"}, {"fruit": "banana"},
                {"fruit": "banana", "animal": "cat"}]})");
  CHECK(got == std::vector<std::string>{
                   "t (apple, cat, pink, circle)", "t (apple, dog, green, circle)",
                   "t (pear, cat, pink)", "t (pear, dog, green)", "t (banana)",
                   "t (banana, cat)"});
}

TEST_CASE("a matrix of only include runs each entry") {
  CHECK(names(R"({"include": [{"a": 1}, {"a": 2, "b": "x"}]})") ==
        std::vector<std::string>{"t (1)", "t (2, x)"});
}

TEST_CASE("empty vectors, non-sequences and oversized matrices are errors") {
  CHECK(failure(R"({"os": []})") == "matrix vector 'os' does not contain any values");
  CHECK(failure(R"({"os": "linux"})") == "matrix vector 'os' must be a sequence, not String");
  CHECK(failure(R"(["a"])") == "a matrix must be a mapping, not Array");
  CHECK(failure(R"({"a": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17],
                    "b": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]})") ==
        "the matrix has more than 256 legs");
  CHECK(failure(R"({"a": [1], "exclude": [{"a": 1}]})") == "the matrix has no legs left after 'exclude'");
}

TEST_CASE("--matrix filters keep the legs with those values") {
  std::vector<MatrixLeg> legs;
  std::string err;
  REQUIRE(expandMatrix(json(R"({"os": ["a", "b"], "py": [1, 2]})"), &legs, &err));
  std::vector<std::pair<std::string, std::string>> f = {{"py", "2"}};
  CHECK_FALSE(legSelected(legs[0], f));
  CHECK(legSelected(legs[1], f));
}

}  // namespace galley::run
