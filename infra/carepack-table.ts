/**
 * The DynamoDB table, made from the very resource `carepack dynamo create-tables --print` prints
 * (src/store/dynamo/dynamo-tables.ts, which also creates it locally): keys, attributes and indexes
 * are not written a second time here, so the stack cannot drift from what the store queries.
 */
import { CfnResource, Fn, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { cloudFormationTemplate } from '../src/store/dynamo/dynamo-tables.js';

export class CarepackTable extends Construct {
  readonly resource: CfnResource;
  /** The table name (Ref), for CAREPACK_DYNAMODB_TABLE. */
  readonly tableName: string;
  /** The table and its indexes, for IAM statements (no more than these). */
  readonly tableArn: string;
  readonly indexesArn: string;

  constructor(scope: Construct, id: string, props: { tableName: string; protect: boolean }) {
    super(scope, id);
    const printed = cloudFormationTemplate(props.tableName).Resources.CarepackTable;
    this.resource = new CfnResource(this, 'Table', {
      type: printed.Type,
      // Point-in-time recovery and encryption come with the printed definition.
      properties: { ...printed.Properties, DeletionProtectionEnabled: props.protect },
    });
    this.resource.applyRemovalPolicy(props.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    this.tableName = this.resource.ref;
    this.tableArn = Fn.getAtt(this.resource.logicalId, 'Arn').toString();
    this.indexesArn = `${this.tableArn}/index/*`;
  }
}
