// Chromosome names stored inside a binary file.
//
// Rows and indexes in genome_kit files refer to chromosomes by the ids of the
// assembly at build time. Those ids depend on chrom.sizes / chromAlias.txt, so
// each file also stores the names, and readers remap build-time ids to the
// current assembly's ids by name when they open the file.
//
// Layout: uint32 count, then per chromosome {uint32 length, bytes}, zero
// padded to a multiple of 8 bytes. Readers reject a count the file cannot
// hold (4 bytes per entry at least) before allocating, and names that are
// empty, not UTF-8, or hold control characters or '/'.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "assembly.h"
#include "atomic_writer.h"
#include "mapped_file.h"

namespace gk {

/// Writes every chromosome name of `a` (so build-time id i is entry i).
void write_chrom_table(ByteWriter& out, const Assembly& a);
/// Writes `names` (build-time id i is names[i]).
void write_chrom_table(ByteWriter& out, const std::vector<std::string>& names);

/// Build-time chromosome id → id in `current` (-1 where the name is unknown
/// now). `offset` is advanced past the table.
std::vector<ChromId> read_chrom_table(const MappedFile& file, uint64_t& offset, const Assembly& current);

}  // namespace gk
