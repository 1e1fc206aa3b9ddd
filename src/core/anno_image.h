// Writing the .gkanno layout of anno.h from finished rows: the last step of
// every annotation build (anno_writer.cpp) and of converting a GenomeKit
// .dganno on open (anno_dganno.cpp). Adds the chromosome table, the interval
// indexes (interval_index.h) and the id indexes.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "anno.h"
#include "big_alloc.h"
#include "byte_writer.h"

namespace gk {

/// The rows of the seven tables, linked, with string pool offsets.
struct AnnoRows {
  BigVector<GeneRow> genes;
  BigVector<TranRow> trans;
  BigVector<ExonRow> exons;
  BigVector<IntronRow> introns;
  BigVector<PartRow> parts[3];                 // CDSs, 5' UTRs, 3' UTRs
  std::vector<IdFormatEntry> exon_id_formats;  // of the exons' id codes
};

/// Writes a whole .gkanno image (header size patched; an AtomicFileWriter
/// still needs commit()). `chrom_names[i]` is the chromosome of build-time id
/// i; `pool` is the string pool in pieces, concatenated in this order (row
/// offsets refer to the concatenation, whose first byte is NUL).
void write_anno_image(ByteWriter& out, const std::vector<std::string>& chrom_names, const AnnoRows& rows,
                      std::initializer_list<std::string_view> pool);

}  // namespace gk
