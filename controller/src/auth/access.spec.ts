import { RequestMethod } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { AdminController } from '../admin/admin.controller';
import { HibernationAdminController } from '../admin/hibernation-admin.controller';
import { HealthController } from '../health/health.controller';
import { NotebooksController } from '../notebooks/notebooks.controller';
import { SharedNotebooksController } from '../notebooks/shared-notebooks.controller';
import { OpenApiController } from '../openapi/openapi.controller';
import { SandboxController } from '../sandbox/sandbox.controller';
import { SavedDatabaseController } from '../sandbox/saved-database.controller';
import { AuthController } from './auth.controller';
import { ACCESS_KEY, Access, ROLES } from './roles';

const CONTROLLERS = [
  AuthController,
  SandboxController,
  SavedDatabaseController,
  AdminController,
  HibernationAdminController,
  HealthController,
  OpenApiController,
  NotebooksController,
  SharedNotebooksController,
];

/** Every route, with the access rule it declares (handler first, then its controller). */
function routes() {
  return CONTROLLERS.flatMap((ctrl) => {
    const base = Reflect.getMetadata(PATH_METADATA, ctrl) as string;
    return Object.getOwnPropertyNames(ctrl.prototype)
      .filter((m) => m !== 'constructor')
      .map((m) => (ctrl.prototype as unknown as Record<string, object>)[m])
      .filter((fn) => Reflect.getMetadata(PATH_METADATA, fn) !== undefined)
      .map((fn) => ({
        route:
          `${RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod]} /${base}/${Reflect.getMetadata(PATH_METADATA, fn)}`.replace(
            /\/+/g,
            '/',
          ),
        access: (Reflect.getMetadata(ACCESS_KEY, fn) ?? Reflect.getMetadata(ACCESS_KEY, ctrl)) as Access | undefined,
      }));
  });
}

describe('route access rules', () => {
  it('every route declares who may call it', () => {
    const undeclared = routes()
      .filter((r) => !r.access)
      .map((r) => r.route);
    expect(undeclared).toEqual([]);
    expect(routes().length).toBeGreaterThan(15);
  });

  it('sandbox routes are premium-only, admin routes admin-only, and only login, health, metrics and the API description are public', () => {
    for (const { route, access } of routes()) {
      const rule = access?.kind === 'public' ? 'public' : [...(access?.roles ?? [])].sort().join(',');
      if (route.includes('/api/sandbox')) expect({ route, rule }).toEqual({ route, rule: 'admin,pro,sponsor' });
      else if (route.includes('/api/admin')) expect({ route, rule }).toEqual({ route, rule: 'admin' });
      else if (rule === 'public') expect(route).toMatch(/dev-login|auth\/config|healthz|metrics|openapi\.json|^GET \/api\/shared\/:token$/);
    }
  });

  it('notebooks are for any signed-in user; only reading a shared copy needs no sign-in', () => {
    const signedIn = [...ROLES].sort().join(',');
    const notebookRoutes = routes().filter((r) => /\/api\/(notebooks|shared)/.test(r.route));
    expect(notebookRoutes.length).toBeGreaterThanOrEqual(10);
    for (const { route, access } of notebookRoutes) {
      const rule = access?.kind === 'public' ? 'public' : [...(access?.roles ?? [])].sort().join(',');
      expect({ route, rule }).toEqual({ route, rule: route === 'GET /api/shared/:token' ? 'public' : signedIn });
    }
  });
});
