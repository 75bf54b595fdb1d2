-- CreateTable
CREATE TABLE "CurveRollup" (
    "sessionId" TEXT NOT NULL,
    "run" INTEGER NOT NULL,
    "size" INTEGER NOT NULL,
    "bucket" INTEGER NOT NULL,
    "lastStep" INTEGER NOT NULL,
    "steps" INTEGER NOT NULL,
    "lossSum" DOUBLE PRECISION NOT NULL,
    "lossMin" DOUBLE PRECISION NOT NULL,
    "lossMax" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "CurveRollup_pkey" PRIMARY KEY ("sessionId","run","size","bucket")
);

-- AddForeignKey
ALTER TABLE "CurveRollup" ADD CONSTRAINT "CurveRollup_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- No backfill here: runs stored before this version are rolled up the first time their curve is read
-- (server/data/curve-rollup.ts catches a run's rollup up to its durable step before reading it).
