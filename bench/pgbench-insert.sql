-- pgbench baseline: one single-row insert per transaction, on the same PostgreSQL as Siang.
INSERT INTO bench_insert (payload) VALUES ('ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก รถมอไซค์ล้มบ่อย');
