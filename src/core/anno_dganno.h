// Reading GenomeKit's annotation files (.dganno, format version 22).
//
// GenomeKit publishes prebuilt annotations as <config>.v22.dganno. On open,
// such a file is converted in memory into the .gkanno image of anno.h (rows
// in the same order, so row numbers, the APPRIS/MANE tables that index them
// and the order of every query result stay those of GenomeKit), and AnnoFile
// then serves it like any .gkanno. Layout: docs/formats.md.
#pragma once

#include <string>

#include "assembly.h"
#include "mapped_file.h"

namespace gk {

constexpr uint16_t kDgannoSignature = 0xEDBA;
constexpr uint16_t kDgannoVersion = 22;

/// Whether `file` starts with the .dganno signature (any version).
bool is_dganno(const MappedFile& file);

/// The .gkanno image of a .dganno file for assembly `a`, named like the file.
/// OSError naming the file for another version or a corrupt file (every
/// count, offset and link is checked against the file).
MappedFile dganno_to_gkanno(const MappedFile& file, const Assembly& a);

/// Writes the .gkanno image of the .dganno at `path` to `out_path` (atomically).
void convert_dganno_file(const std::string& path, const std::string& out_path, const Assembly& a);

}  // namespace gk
