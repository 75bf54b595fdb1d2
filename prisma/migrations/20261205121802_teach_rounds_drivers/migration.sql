-- AlterTable
ALTER TABLE "ControlEvent" ADD COLUMN     "actorName" TEXT,
ADD COLUMN     "actorRole" TEXT;

-- AlterTable
ALTER TABLE "Poll" ADD COLUMN     "round" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "PollVote" DROP CONSTRAINT "PollVote_pkey",
ADD COLUMN     "round" INTEGER NOT NULL DEFAULT 1,
ADD CONSTRAINT "PollVote_pkey" PRIMARY KEY ("pollId", "round", "voterId");

-- CreateTable
CREATE TABLE "ControlGrant" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "voterId" TEXT,
    "keyHash" TEXT,
    "name" TEXT NOT NULL,
    "grantedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ControlGrant_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ControlGrant_sessionId_idx" ON "ControlGrant"("sessionId");

-- AddForeignKey
ALTER TABLE "ControlGrant" ADD CONSTRAINT "ControlGrant_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

