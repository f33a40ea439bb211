// The network description in JSON ("spiceloop": 1; every key is documented in netlists/README.md):
// reading it with validation, and writing a Network back so that it reloads exactly.
//
// Every failure is an InputError with a stable id "network.<what>" and a location: a JSON pointer
// ("/edges/3/ohms", prefixed by "<file>#" for files) or "<file>:<line>:<column>" for JSON syntax
// (the text layer is emulator/core/json_text.hpp).
// A document with a "generator" key is a generator spec (generators.hpp) and is expanded.
// After loading, node 0 is the ground; the other nodes keep the order of "nodes".
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emulator/network/network.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop {

// source names the document in error locations ("" for none); base_pointer is where the document
// sits inside its file, for a network embedded in a larger document (an experiment file).
Network parse_network(const nlohmann::json& doc, const std::string& source = "",
                      const std::string& base_pointer = "");
Network parse_network_text(std::string_view text, const std::string& source = "");
Network load_network_file(const std::string& path);

// Whether a document is a network or a generator spec (an object with "edges" or "generator"):
// the readers of experiments, sweeps and benches say so instead of "unknown key edges".
bool looks_like_network(const nlohmann::json& doc);

// Writes every value at full precision (conductances in siemens), so parse_network(network_to_json(n))
// equals n for every network the loader or the generators produce, trained or not.
nlohmann::json network_to_json(const Network& net);
// The same document as readable text: stable key order, one edge per line, ends with a newline.
std::string network_to_text(const Network& net);

// The element part of an edge object: "kind" and its values (and "trainable" for a network edge).
// The loader reads edges with it; generators read their "edge" templates, which describe trainable
// resistors or digipots and carry no name, nodes or "trainable".
enum class ElementUse { NetworkEdge, GeneratorTemplate };
Edge parse_element(const JsonObject& object, ElementUse use);

}  // namespace spiceloop
