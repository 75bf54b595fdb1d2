-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "run" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ControlEvent" ADD COLUMN     "run" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "StepMetric" DROP CONSTRAINT "StepMetric_pkey",
ADD COLUMN     "run" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "StepMetric_pkey" PRIMARY KEY ("sessionId", "run", "step");

-- AlterTable
ALTER TABLE "Checkpoint" DROP CONSTRAINT "Checkpoint_pkey",
ADD COLUMN     "run" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "Checkpoint_pkey" PRIMARY KEY ("sessionId", "run", "step");

-- CreateTable
CREATE TABLE "Run" (
    "sessionId" TEXT NOT NULL,
    "run" INTEGER NOT NULL,
    "cause" TEXT NOT NULL,
    "config" JSONB,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "steps" INTEGER,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("sessionId","run")
);

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill (by hand): before this version a run-starting control (reset, preset, data) deleted the
-- run before it. A session's runs are counted from its control log; the config of a run that was
-- deleted then is unknown (NULL), and the runs from now on keep everything.
UPDATE "ControlEvent" AS c SET "run" = (SELECT count(*) FROM "ControlEvent" AS r WHERE r."sessionId" = c."sessionId" AND r."action" IN ('reset', 'preset', 'data') AND r."seq" <= c."seq");
UPDATE "Session" AS s SET "run" = (SELECT count(*) FROM "ControlEvent" AS r WHERE r."sessionId" = s."id" AND r."action" IN ('reset', 'preset', 'data'));
UPDATE "StepMetric" AS m SET "run" = s."run" FROM "Session" AS s WHERE s."id" = m."sessionId" AND s."run" > 0;
UPDATE "Checkpoint" AS k SET "run" = s."run" FROM "Session" AS s WHERE s."id" = k."sessionId" AND s."run" > 0;
INSERT INTO "Run" ("sessionId", "run", "cause", "config", "startedAt", "steps")
SELECT s."id", 0,
  CASE WHEN s."parentId" IS NOT NULL THEN 'fork' WHEN s."templateId" IS NOT NULL THEN 'template' WHEN s."presetId" IS NOT NULL THEN 'preset' ELSE 'start' END,
  CASE WHEN s."run" = 0 THEN s."config" END,
  s."createdAt",
  CASE WHEN s."run" = 0 THEN NULL ELSE (SELECT n."step" FROM "ControlEvent" AS n WHERE n."sessionId" = s."id" AND n."run" = 1 AND n."action" IN ('reset', 'preset', 'data') ORDER BY n."seq" LIMIT 1) END
FROM "Session" AS s;
INSERT INTO "Run" ("sessionId", "run", "cause", "config", "startedAt", "steps")
SELECT c."sessionId", c."run", c."action",
  CASE WHEN c."run" = s."run" THEN s."config" END,
  c."createdAt",
  CASE WHEN c."run" = s."run" THEN NULL ELSE (SELECT n."step" FROM "ControlEvent" AS n WHERE n."sessionId" = c."sessionId" AND n."run" = c."run" + 1 AND n."action" IN ('reset', 'preset', 'data') ORDER BY n."seq" LIMIT 1) END
FROM "ControlEvent" AS c JOIN "Session" AS s ON s."id" = c."sessionId"
WHERE c."action" IN ('reset', 'preset', 'data');
