// Explicit YAML tags in a workflow (`!!str 0`, `!!float 1`, `!!bool x`),
// read as GitHub's service reads them. The loader (yaml.h) resolves plain
// scalars by the core schema and drops tags, so this pass finds them again
// in the text and applies them to the tree.
#pragma once

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley::wf {

// Whether the file's text holds a tag at all (a cheap test: `!` anywhere).
bool mayHaveTags(const SourceFile& file);

// Applies each explicit tag of file to the matching node of root (the tree
// the loader built from the same file): `!!str` makes a string of any
// scalar, `!!null` a null; `!!bool`, `!!int` and `!!float` keep the scalar
// when its text is one (a plain scalar, then read as such); `!!seq` and
// `!!map` their collections. A value its tag does not fit, a tag on a quoted
// or block scalar other than `!!str`, and any other tag are errors reported
// in GitHub's words, without a position (its message names line and
// column), and the function returns false.
bool applyTags(const SourceFile& file, yaml::Node* root, Diagnostics& diags);

}  // namespace galley::wf
