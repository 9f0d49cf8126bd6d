// Notebooks on the wire (issue 13), for validation and the OpenAPI document; each class implements its contract type.
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type {
  Notebook,
  NotebookCreate,
  NotebookLimits,
  NotebookList,
  NotebookSummary,
  NotebookUpdate,
  ShareLink,
  ShareRequest,
  SharedNotebook,
} from '@pgsbx/contract';
import { Transform } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { NAME_MAX_CHARS } from './notebook-limits';

// No control characters (a name is one line); no NUL anywhere (Postgres text cannot hold it).
const NAME = /^[^\p{Cc}]*$/u;
const NAME_MESSAGE = `a notebook name is 1–${NAME_MAX_CHARS} characters on one line (no control characters)`;
// eslint-disable-next-line no-control-regex -- NUL is exactly what it looks for
const NO_NUL = /^[^\u0000]*$/;
const CONTENT_MESSAGE = 'content must be text without NUL (\\u0000) characters';
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

function NameProperty(required: boolean) {
  return (target: object, key: string) => {
    (required ? ApiProperty : ApiPropertyOptional)({ minLength: 1, maxLength: NAME_MAX_CHARS })(target, key);
    Transform(trim)(target, key);
    IsString({ message: NAME_MESSAGE })(target, key);
    MinLength(1, { message: NAME_MESSAGE })(target, key);
    MaxLength(NAME_MAX_CHARS, { message: NAME_MESSAGE })(target, key);
    Matches(NAME, { message: NAME_MESSAGE })(target, key);
    if (!required) IsOptional()(target, key);
  };
}

function ContentProperty() {
  return (target: object, key: string) => {
    ApiPropertyOptional({ description: "The notebook's text (opaque to the server); at most maxBytes UTF-8 bytes." })(target, key);
    IsOptional()(target, key);
    IsString({ message: CONTENT_MESSAGE })(target, key);
    Matches(NO_NUL, { message: CONTENT_MESSAGE })(target, key);
  };
}

@ApiSchema({ name: 'NotebookCreate' })
export class NotebookCreateDto implements NotebookCreate {
  @NameProperty(true)
  name!: string;

  @ContentProperty()
  content?: string;
}

@ApiSchema({ name: 'NotebookUpdate', description: 'Send If-Match: <version> (the ETag of the version you edited).' })
export class NotebookUpdateDto implements NotebookUpdate {
  @NameProperty(false)
  name?: string;

  @ContentProperty()
  content?: string;
}

@ApiSchema({ name: 'NotebookDuplicate' })
export class NotebookDuplicateDto {
  @NameProperty(false)
  name?: string;
}

@ApiSchema({ name: 'ShareRequest' })
export class ShareRequestDto implements ShareRequest {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The last results to show with the snapshot, in the client's format (a JSON object).",
  })
  @IsOptional()
  @IsObject({ message: 'results must be a JSON object' })
  results?: Record<string, unknown>;
}

@ApiSchema({ name: 'NotebookSummary' })
export class NotebookSummaryDto implements NotebookSummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: 'integer', description: 'Starts at 1; +1 on every write. Also the ETag.' })
  version!: number;

  @ApiProperty({ type: 'integer', description: "UTF-8 size of the notebook's content." })
  bytes!: number;

  @ApiProperty({ type: 'string', nullable: true, description: 'The share token while the notebook is shared.' })
  shareToken!: string | null;
}

@ApiSchema({ name: 'Notebook' })
export class NotebookDto extends NotebookSummaryDto implements Notebook {
  @ApiProperty()
  content!: string;
}

@ApiSchema({ name: 'NotebookLimits' })
export class NotebookLimitsDto implements NotebookLimits {
  @ApiProperty({ type: 'integer' })
  maxNotebooks!: number;

  @ApiProperty({ type: 'integer' })
  maxBytes!: number;

  @ApiProperty({ type: 'integer' })
  maxShareBytes!: number;
}

@ApiSchema({ name: 'NotebookList' })
export class NotebookListDto implements NotebookList {
  @ApiProperty({ type: [NotebookSummaryDto], description: 'Most recently changed first.' })
  notebooks!: NotebookSummaryDto[];

  @ApiProperty({ type: NotebookLimitsDto })
  limits!: NotebookLimitsDto;
}

@ApiSchema({ name: 'NotebookDeleted' })
export class NotebookDeletedDto {
  @ApiProperty({ format: 'uuid' })
  deleted!: string;
}

@ApiSchema({ name: 'ShareLink' })
export class ShareLinkDto implements ShareLink {
  @ApiProperty()
  token!: string;

  @ApiProperty({ description: 'The notebook page opening the read-only copy.' })
  url!: string;

  @ApiProperty({ format: 'date-time', description: 'When the snapshot was taken.' })
  sharedAt!: string;
}

@ApiSchema({ name: 'ShareRevoked' })
export class ShareRevokedDto {
  @ApiProperty({ description: 'False when the notebook was not shared.' })
  revoked!: boolean;
}

@ApiSchema({ name: 'SharedNotebook' })
export class SharedNotebookDto implements SharedNotebook {
  @ApiProperty()
  token!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  content!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The results sent when it was shared (null when none were).',
  })
  results!: Record<string, unknown> | null;

  @ApiProperty({ format: 'date-time' })
  sharedAt!: string;
}
