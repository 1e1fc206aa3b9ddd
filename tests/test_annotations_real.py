"""GFF3 / GTF files written by other projects (gffutils' test files, SGD, FlyBase, GENCODE, Ensembl,
GeneMark, Glimmer): every one converts, and what the builder stored matches an independent reading
of the file (tests/gff_reference_model.py), transcript by transcript."""

from __future__ import annotations

import gzip
import os
import re
import warnings

import pytest
from gff_reference_model import chrom_sizes, read_model

import genome_kit as gk
from genome_kit.genome_annotation import AnnotationWarning, filter_protein_coding

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

REAL_FILES = [
    "gffutils_gms2_example.gff3",  # GeneMarkS-2: CDS whose parent is a gene
    "gffutils_glimmer_nokeyval.gff3",  # Glimmer: mRNA with CDS and no exon rows, items without '='
    "gffutils_hybrid1.gff3",  # mRNA without gene, CDS only, then a ##FASTA section
    "gffutils_mouse_extra_comma.gff3",  # RefSeq-style, 'Parent=X,' with a trailing comma
    "gffutils_intro_docs_example.gff",  # FlyBase: exons and CDSs shared by several mRNAs
    "gffutils_issue174.gtf",  # NCBI GTF: transcript_biotype "mRNA", exons only
    "gffutils_FBgn0031208.gtf",  # FlyBase-like GTF
    "sgd_yeast_chr1+2.gff3.gz",  # SGD: gene -> CDS, tRNA/snoRNA -> noncoding_exon, pseudogene -> CDS
    "flybase_dm3_chr2L_excerpt.gff3.gz",  # FlyBase: polyA_site and pre_miRNA under genes
    "gencode_human.gtf.gz",
    "ensembl_human.gtf.gz",
    "pyranges_gencode.gff3",  # GENCODE v28 GFF3 (first 100 lines: the last transcript is cut short)
    "pyranges_ensembl.gtf",  # Ensembl GTF with gene/transcript versions as attributes
]


def build(path, config, data_dir, **kw):
    """Builds `path` on an assembly of its own sizes (written here); returns the annotated Genome."""
    with open(os.path.join(data_dir, f"{config}_asm.chrom.sizes"), "w") as f:
        f.writelines(f"{c}\t{n}\n" for c, n in chrom_sizes(path).items())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnnotationWarning)
        gk.GenomeAnnotation.build_gencode(
            path, os.path.join(data_dir, config), gk.Genome(f"{config}_asm"), **kw
        )
    return gk.Genome(config)


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_matches_an_independent_reader(data_dir, name):
    path = os.path.join(DATA, name)
    config = "real_" + re.sub(r"\W", "_", name)
    genome = build(path, config, data_dir)
    genes, trans = read_model(path)
    assert sorted(g.id for g in genome.genes) == sorted(genes)
    assert sorted(t.id for t in genome.transcripts) == sorted(trans)
    for t in genome.transcripts:
        want = trans[t.id]
        assert (t.gene.id, t.chromosome, t.strand) == (want.gene, want.chrom, want.strand), t.id
        assert (t.start, t.end) == want.span(), t.id
        assert [(e.start, e.end) for e in t.exons] == want.final_exons(), t.id
        assert [(c.start, c.end, c.phase) for c in t.cdss] == want.final_cdss(), t.id
        if want.type is not None:
            assert t.type == want.type, t.id


@pytest.mark.parametrize("name", ["gencode_human.gtf.gz", "ensembl_human.gtf.gz"])
def test_gtf_stop_codons_join_the_cds_and_utrs_tile_the_exons(data_dir, name):
    """GTF CDS rows leave the stop codon out: GENCODE's UTR rows cover it, Ensembl's three_prime_utr rows
    start after it. Either way the built CDS ends with it (3 bases past the last CDS row, or its
    stop_codon rows' end) and CDS + UTRs tile the exons of every complete coding transcript."""
    genome = build(os.path.join(DATA, name), "gtfstop_" + re.sub(r"\W", "_", name), data_dir)
    _, trans = read_model(os.path.join(DATA, name))
    checked = 0
    for t in genome.transcripts:
        if not t.cdss or not trans[t.id].stops or t.exons[-1].end3 != t.end3:
            continue
        stop_end3 = (
            max(e for _, e in trans[t.id].stops) if t.strand == "+" else min(s for s, _ in trans[t.id].stops)
        )
        assert t.cdss[-1].end3.start == stop_end3, t.id
        coding = sum(len(c) for c in t.cdss)
        utrs = sum(len(u) for u in t.utr5s) + sum(len(u) for u in t.utr3s)
        assert coding + utrs == sum(len(e) for e in t.exons), t.id
        checked += 1
    assert checked > 20


def test_sgd_genes_have_an_implicit_transcript_whose_cds_translates(yeast, data_dir):
    """SGD gives gene -> CDS (no mRNA, no exon rows): each gene gets one transcript with its id,
    exons = the CDS pieces. On the real sequence every Verified ORF starts with ATG and ends with a
    stop codon, so coordinates, strands and splicing are right."""
    path = os.path.join(DATA, "sgd_yeast_chr1+2.gff3.gz")
    with pytest.warns(AnnotationWarning, match="ARS"):
        gk.GenomeAnnotation.build_gencode(path, os.path.join(data_dir, "real_sgd"), yeast)
    genome = gk.Genome("real_sgd")
    verified = set()
    with gzip.open(path, "rt") as f:
        for line in f:
            m = re.search(r"\tgene\t.*ID=([^;]+);.*orf_classification=Verified", line)
            if m:
                verified.add(m.group(1))
    assert len(verified) > 300
    spliced = 0
    for gid in verified:
        (t,) = genome.genes[gid].transcripts
        assert (t.id, t.type) == (gid, "mRNA")
        cds = "".join(genome.dna(c) for c in t.cdss)
        assert cds[:3] == "ATG" and cds[-3:] in ("TAA", "TAG", "TGA") and len(cds) % 3 == 0, gid
        assert [(e.start, e.end) for e in t.exons] == [(c.start, c.end) for c in t.cdss]
        spliced += len(t.cdss) > 1
    assert spliced >= 10  # intron-containing ORFs (e.g. YAL001C) are spliced correctly too
    trna = genome.genes[
        "tP(UGG)A"
    ]  # a tRNA without a gene row: modelled as a gene, exons from noncoding_exon
    (t,) = trna.transcripts
    assert (t.type, len(t.exons), len(t.introns)) == ("tRNA", 2, 1)
    assert filter_protein_coding(genome.genes) and not filter_protein_coding([t])


def test_flybase_polya_site_pre_mirna_and_coding_mrnas(data_dir):
    genome = build(os.path.join(DATA, "flybase_dm3_chr2L_excerpt.gff3.gz"), "real_fb", data_dir)
    al = genome.genes["FBgn0000061"]  # has a polyA_site row whose Parent is the gene
    assert all(t.exons for t in genome.transcripts)
    assert "al_polyA_site" not in [t.id for t in al.transcripts]
    with pytest.raises(KeyError):
        genome.transcripts["al_polyA_site"]
    pre = [t for t in genome.transcripts if t.type == "pre_miRNA"]
    assert pre and all(
        len(t.exons) == 1 and (t.exons[0].start, t.exons[0].end) == (t.start, t.end) for t in pre
    )
    coding = filter_protein_coding(genome.transcripts)
    mrnas_with_cds = [t for t in genome.transcripts if t.type == "mRNA" and t.cdss]
    assert coding == mrnas_with_cds and len(coding) > 100


def test_gtf_of_another_assembly_is_refused_with_file_and_line(tiny, data_dir):
    # GRCh38 chr1 rows on the 44-bp chr1 of "tiny": the first gene row already ends past chr1
    path = os.path.join(DATA, "gencode_human.gtf.gz")
    with pytest.raises(
        ValueError,
        match=r"gencode_human.gtf.gz:6: feature ends at 14409, past the end of chr1 "
        r"\(44 bp in tiny\): is the file annotating another assembly\?",
    ):
        gk.GenomeAnnotation.build_gencode(path, os.path.join(data_dir, "real_wrong_asm"), tiny)
    assert not os.path.exists(os.path.join(data_dir, "real_wrong_asm.gkanno"))


def write(tmp_path, text):
    path = str(tmp_path / "x.gff3")
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.mark.parametrize(
    "text, message",
    [
        (  # the parent exists, but as a feature under another one: say what it is
            "chr1\tX\tgene\t1\t40\t.\t+\t.\tID=G\n"
            "chr1\tX\tmRNA\t1\t40\t.\t+\t.\tID=T;Parent=G\n"
            "chr1\tX\tregion\t1\t30\t.\t+\t.\tID=R;Parent=T\n"
            "chr1\tX\texon\t1\t10\t.\t+\t.\tParent=R\n",
            r"x.gff3:4: parent 'R' is a region row \(line 3\) under another feature, not a transcript",
        ),
        (
            "chr1\tX\texon\t1\t10\t.\t+\t.\tParent=T9\n",
            r"x.gff3:1: parent 'T9' is not defined anywhere in the file",
        ),
        (  # a feature on no strand cannot be a gene
            "chr1\tX\tARS\t1\t40\t.\t.\t.\tID=A\nchr1\tX\tCDS\t1\t9\t.\t+\t0\tParent=A\n",
            r"x.gff3:1: ARS 'A' has exon, CDS or UTR rows, so it is modelled as a gene, but its strand is",
        ),
        (
            "chr1 X gene 1 40 . + . ID=G\n",
            r"x.gff3:1: .*the line has no tab \(columns separated by spaces\?\)",
        ),
        (
            "##gff-version 3\nchrQ\tX\tgene\t1\t40\t.\t+\t.\tID=G\n",
            r"x.gff3:2: unknown chromosome 'chrQ' for assembly tiny \(a file of another assembly\? "
            r"other names of its chromosomes go in tiny.chromAlias.txt\)",
        ),
    ],
)
def test_rejections_name_file_line_and_a_truthful_reason(tiny, data_dir, tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        gk.GenomeAnnotation.build_gencode(write(tmp_path, text), os.path.join(data_dir, "real_bad"), tiny)


def test_cds_of_a_gene_defined_later_gets_the_implicit_transcript(tiny, data_dir, tmp_path):
    text = (
        "##gff-version 3\n"
        "chr1\tX\tCDS\t5\t10\t.\t-\t0\tParent=G\n"
        "chr1\tX\tCDS\t20\t31\t.\t-\t0\tParent=G\n"
        "chr1\tX\tgene\t5\t31\t.\t-\t.\tID=G;Name=GENE\n"
        "##FASTA\n>chr1\nACGT\n"
    )
    gk.GenomeAnnotation.build_gencode(write(tmp_path, text), os.path.join(data_dir, "real_fwd"), tiny)
    (t,) = gk.Genome("real_fwd").genes["G"].transcripts
    assert (t.id, t.type, t.start, t.end) == ("G", "mRNA", 4, 31)
    assert [(e.start, e.end) for e in t.exons] == [(19, 31), (4, 10)]
    assert [(c.start, c.end) for c in t.cdss] == [(19, 31), (4, 10)] and not t.utr5s and not t.utr3s


# The layout of NCBI's prokaryotic GFF3 (E. coli K-12, NC_000913.3): a region row, then gene -> CDS.
NCBI_PROKARYOTE = """##gff-version 3
##sequence-region NC_000913.3 1 4641652
NC_000913.3\tRefSeq\tregion\t1\t4641652\t.\t+\t.\tID=NC_000913.3:1..4641652;Is_circular=true;genome=chromosome
NC_000913.3\tRefSeq\tgene\t190\t255\t.\t+\t.\tID=gene-b0001;Dbxref=GeneID:944742;Name=thrL;gbkey=Gene;\
gene=thrL;gene_biotype=protein_coding;locus_tag=b0001
NC_000913.3\tRefSeq\tCDS\t190\t255\t.\t+\t0\tID=cds-NP_414542.1;Parent=gene-b0001;Dbxref=GeneID:944742;\
Name=NP_414542.1;gbkey=CDS;gene=thrL;product=thr operon leader peptide;protein_id=NP_414542.1
NC_000913.3\tRefSeq\tgene\t5683\t6459\t.\t-\t.\tID=gene-b0006;Dbxref=GeneID:944751;Name=yaaA;gbkey=Gene;\
gene=yaaA;gene_biotype=protein_coding;locus_tag=b0006
NC_000913.3\tRefSeq\tCDS\t5683\t6459\t.\t-\t0\tID=cds-NP_414547.1;Parent=gene-b0006;Dbxref=GeneID:944751;\
Name=NP_414547.1;gbkey=CDS;gene=yaaA;product=peroxide resistance protein;protein_id=NP_414547.1
"""


@pytest.mark.parametrize("builder", ["build_gencode", "build_ncbi_refseq"])
def test_prokaryotic_gene_cds_gets_an_implicit_transcript(data_dir, tmp_path, builder):
    path = write(tmp_path, NCBI_PROKARYOTE)
    with open(os.path.join(data_dir, "ecoli_asm.chrom.sizes"), "w") as f:
        f.write("NC_000913.3\t4641652\n")
    getattr(gk.GenomeAnnotation, builder)(
        path, os.path.join(data_dir, f"ecoli_{builder}"), gk.Genome("ecoli_asm")
    )
    genome = gk.Genome(f"ecoli_{builder}")
    got = [
        (
            g.name,
            t.id == g.id,
            t.type,
            t.strand,
            [(e.start, e.end) for e in t.exons],
            [(c.start, c.end) for c in t.cdss],
        )
        for g in genome.genes
        for t in g.transcripts
    ]
    assert got == [
        ("thrL", True, "protein_coding", "+", [(189, 255)], [(189, 255)]),
        ("yaaA", True, "protein_coding", "-", [(5682, 6459)], [(5682, 6459)]),
    ]
    assert filter_protein_coding(genome.genes) == list(genome.transcripts)
    if builder == "build_ncbi_refseq":
        assert [t.protein_id for t in genome.transcripts] == ["NP_414542.1", "NP_414547.1"]


def test_ucsc_refgene_of_another_assembly_is_refused(tiny, data_dir, tmp_path):
    (tmp_path / "refGene.txt").write_text(
        "1\tNM_5\tchr1\t-\t10\t50\t12\t45\t1\t10,\t50,\t0\tX\tcmpl\tcmpl\t0,\n"  # chr1 of tiny has 44 bp
    )
    (tmp_path / "refLink.txt").write_text("X\tp\tNM_5\tNP_5\t0\t0\t77\t0\n")
    with pytest.raises(
        ValueError, match=r"refGene.txt:1: feature ends at 50, past the end of chr1 \(44 bp in tiny\)"
    ):
        gk.GenomeAnnotation.build_ucsc_refseq(str(tmp_path), os.path.join(data_dir, "real_ucsc_bad"), tiny)


# GFF3 writes a feature across the origin of a circular chromosome with end = position + length.
CIRCULAR = """##gff-version 3
pX\tRefSeq\tregion\t1\t1000\t.\t+\t.\tID=pX:1..1000;Is_circular=true;genome=plasmid
pX\tRefSeq\tgene\t101\t400\t.\t+\t.\tID=gene-a;Dbxref=GeneID:1;Name=a;gene_biotype=protein_coding
pX\tRefSeq\tCDS\t101\t400\t.\t+\t0\tID=cds-a;Parent=gene-a;protein_id=PA
pX\tRefSeq\tgene\t901\t1150\t.\t-\t.\tID=gene-b;Dbxref=GeneID:2;Name=b;gene_biotype=protein_coding
pX\tRefSeq\tCDS\t901\t1150\t.\t-\t0\tID=cds-b;Parent=gene-b;protein_id=PB
"""


@pytest.mark.parametrize("builder", ["build_gencode", "build_ncbi_refseq"])
def test_features_across_the_origin_of_a_circular_chromosome_are_skipped(data_dir, tmp_path, builder):
    with open(os.path.join(data_dir, "plasmid_asm.chrom.sizes"), "w") as f:
        f.write("pX\t1000\n")
    asm = gk.Genome("plasmid_asm")
    out = os.path.join(data_dir, f"plasmid_{builder}")
    with pytest.warns(
        AnnotationWarning,
        match=r"CDS crossing the origin of a circular chromosome \(1\), "
        r"gene crossing the origin of a circular chromosome \(1\)",
    ):
        getattr(gk.GenomeAnnotation, builder)(write(tmp_path, CIRCULAR), out, asm)
    genome = gk.Genome(f"plasmid_{builder}")
    assert [g.name for g in genome.genes] == ["a"] and len(genome.cdss) == 1
    # the same rows without Is_circular=true: a file of another assembly
    with pytest.raises(ValueError, match=r"x.gff3:5: feature ends at 1150, past the end of pX \(1000 bp"):
        getattr(gk.GenomeAnnotation, builder)(
            write(tmp_path, CIRCULAR.replace("Is_circular=true;", "")), out, asm
        )


def test_transcript_without_exon_rows_takes_its_cds_and_utrs_as_exons(tiny, data_dir, tmp_path):
    text = (
        "chr1\tX\tgene\t2\t40\t.\t-\t.\tID=G\n"
        "chr1\tX\tmRNA\t2\t40\t.\t-\t.\tID=T;Parent=G\n"
        "chr1\tX\tthree_prime_UTR\t2\t5\t.\t-\t.\tParent=T\n"
        "chr1\tX\tCDS\t6\t10\t.\t-\t1\tParent=T\n"  # touches the 3' UTR: one exon
        "chr1\tX\tCDS\t21\t33\t.\t-\t0\tParent=T\n"
        "chr1\tX\tfive_prime_UTR\t34\t40\t.\t-\t.\tParent=T\n"
    )
    gk.GenomeAnnotation.build_gencode(write(tmp_path, text), os.path.join(data_dir, "real_noexon"), tiny)
    t = gk.Genome("real_noexon").transcripts["T"]
    assert [(e.start, e.end) for e in t.exons] == [(20, 40), (1, 10)]
    assert [(c.start, c.end, c.phase) for c in t.cdss] == [(20, 33, 0), (5, 10, 1)]
    assert [(u.start, u.end) for u in t.utr5s] == [(33, 40)] and [(u.start, u.end) for u in t.utr3s] == [
        (1, 5)
    ]


def test_real_file_that_contradicts_itself_is_refused_with_both_lines(data_dir):
    # gffutils' FlyBase test file ends with a fake gene whose exon is on the other strand than its mRNA
    with pytest.raises(
        ValueError,
        match=r"gffutils_FBgn0031208.gff:89: row is on chr2L:\+ but its transcript 'transcript_Fk_gene_2' "
        r"\(line 88\) is on chr2L:-: one of the two rows is wrong",
    ):
        build(os.path.join(DATA, "gffutils_FBgn0031208.gff"), "real_contradiction", data_dir)
