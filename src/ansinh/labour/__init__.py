"""Labour market and vocational education (issue #15): the labour supply and demand registers (TT 27/2015,
then TT 01/2022/TT-BLĐTBXH), employment services and «giải quyết việc làm», vocational institutions, courses,
enrolments, diplomas, and the rural-worker training support (QĐ 1956/QĐ-TTg, QĐ 46/2015/QĐ-TTg,
NQ 56/2017/NQ-HĐND Hà Tĩnh). See docs/labour.md."""
