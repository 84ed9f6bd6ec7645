// The application router: the web client imports `AppRouter` (type only) from here.
import { router } from './trpc';
import { authRouter } from './routers/auth';
import { batchesRouter } from './routers/batches';
import { jobsRouter } from './routers/jobs';
import { restaurantsRouter } from './routers/restaurants';
import { reviewsRouter } from './routers/reviews';
import { settingsRouter } from './routers/settings';
import { leadsRouter } from './leads';

export const appRouter = router({
  auth: authRouter,
  leads: leadsRouter,
  restaurants: restaurantsRouter,
  batches: batchesRouter,
  jobs: jobsRouter,
  reviews: reviewsRouter,
  settings: settingsRouter,
});

export type AppRouter = typeof appRouter;
